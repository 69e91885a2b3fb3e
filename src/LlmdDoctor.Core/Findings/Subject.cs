namespace LlmdDoctor.Core.Findings;

/// <summary>The object a user would <c>kubectl get</c> to look at a finding.</summary>
public sealed record Subject(string Group, string Kind, string? Namespace, string Name)
{
    /// <summary><c>namespace/name</c>, or just the name for cluster-scoped objects.</summary>
    public string Key => Namespace is null or "" ? Name : $"{Namespace}/{Name}";

    public override string ToString() => $"{Kind} {Key}";

    public static Subject Gateway(string ns, string name) => new("gateway.networking.k8s.io", "Gateway", ns, name);
    public static Subject HttpRoute(string ns, string name) => new("gateway.networking.k8s.io", "HTTPRoute", ns, name);
    public static Subject Service(string ns, string name) => new("", "Service", ns, name);
    public static Subject Deployment(string ns, string name) => new("apps", "Deployment", ns, name);
    public static Subject OfNamespace(string name) => new("", "Namespace", null, name);
    public static Subject ConfigMap(string ns, string name) => new("", "ConfigMap", ns, name);
    public static Subject EnvoyFilter(string ns, string name) => new("networking.istio.io", "EnvoyFilter", ns, name);

    /// <summary>The doctor itself: used for findings about a check or a source rather than a cluster object.</summary>
    public static Subject Doctor(string name) => new("llmd.doctor", "Check", null, name);

    /// <summary>A data source the doctor reads (API server, Envoy admin, Prometheus, Grafana, Alertmanager).</summary>
    public static Subject Source(string name) => new("llmd.doctor", "Source", null, name);

    /// <summary>A resource the doctor's service account may not read.</summary>
    public static Subject Permission(string resource) => new("llmd.doctor", "Permission", null, resource);
}
