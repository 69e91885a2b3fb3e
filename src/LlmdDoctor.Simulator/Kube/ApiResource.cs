using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>A resource type the simulated API server serves (and announces in discovery).</summary>
internal sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "GatewayClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "PersistentVolume", "StorageClass", "Istio", "IstioCNI", "IstioRevision", "ZTunnel", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "PriorityClass", "IngressClass",
    };

    /// <summary>What every cluster serves even when the bundle holds none of it.</summary>
    private static readonly ApiResource[] Builtins =
    [
        new("", "v1", "namespaces", "Namespace", false),
        new("", "v1", "pods", "Pod", true),
        new("", "v1", "services", "Service", true),
        new("", "v1", "endpoints", "Endpoints", true),
        new("", "v1", "configmaps", "ConfigMap", true),
        new("", "v1", "secrets", "Secret", true),
        new("", "v1", "serviceaccounts", "ServiceAccount", true),
        new("", "v1", "nodes", "Node", false),
        new("", "v1", "events", "Event", true),
        new("apps", "v1", "deployments", "Deployment", true),
        new("apps", "v1", "replicasets", "ReplicaSet", true),
        new("apps", "v1", "statefulsets", "StatefulSet", true),
        new("coordination.k8s.io", "v1", "leases", "Lease", true),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
    ];

    /// <summary>
    /// The other kinds a CRD bundle installs together with a kind seen in the scenario: a cluster that has
    /// ServiceMonitors serves PrometheusRules too (prometheus-operator), even when none exist.
    /// </summary>
    private static readonly ApiResource[] Families =
    [
        new("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true),
        new("monitoring.coreos.com", "v1", "podmonitors", "PodMonitor", true),
        new("monitoring.coreos.com", "v1", "prometheuses", "Prometheus", true),
        new("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", true),
        new("monitoring.coreos.com", "v1", "alertmanagers", "Alertmanager", true),
        new("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false),
        new("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true),
        new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true),
        new("gateway.networking.k8s.io", "v1", "grpcroutes", "GRPCRoute", true),
        new("networking.istio.io", "v1alpha3", "envoyfilters", "EnvoyFilter", true),
        new("networking.istio.io", "v1", "destinationrules", "DestinationRule", true),
        new("networking.istio.io", "v1", "virtualservices", "VirtualService", true),
        new("grafana.integreatly.org", "v1beta1", "grafanas", "Grafana", true),
        new("grafana.integreatly.org", "v1beta1", "grafanadatasources", "GrafanaDatasource", true),
        new("grafana.integreatly.org", "v1beta1", "grafanadashboards", "GrafanaDashboard", true),
        new("grafana.integreatly.org", "v1beta1", "grafanafolders", "GrafanaFolder", true),
        new("serving.kserve.io", "v1alpha1", "llminferenceservices", "LLMInferenceService", true),
        new("serving.kserve.io", "v1alpha1", "llminferenceserviceconfigs", "LLMInferenceServiceConfig", true),
    ];

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>pods</c>, <c>inferencepools.inference.networking.k8s.io</c>: how the API server names a resource in messages.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The built-in resources plus one per (apiVersion, kind) found in the objects.</summary>
    public static List<ApiResource> From(IEnumerable<JsonObject> objects)
    {
        var resources = new List<ApiResource>(Builtins);
        foreach (var group in objects.GroupBy(o => (ClusterModel.ApiVersion(o), ClusterModel.Kind(o))))
        {
            var (apiVersion, kind) = group.Key;
            if (resources.Any(r => r.GroupVersion == apiVersion && r.Kind == kind))
            {
                continue;
            }

            var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
            var namespaced = !ClusterScoped.Contains(kind) && group.All(o => ClusterModel.Ns(o).Length > 0);
            resources.Add(new ApiResource(slash < 0 ? "" : apiVersion[..slash], slash < 0 ? apiVersion : apiVersion[(slash + 1)..], PluralOf(kind), kind, namespaced));
        }

        foreach (var member in Families.Where(f => resources.Any(r => r.GroupVersion == f.GroupVersion)))
        {
            if (!resources.Any(r => r.GroupVersion == member.GroupVersion && r.Kind == member.Kind))
            {
                resources.Add(member);
            }
        }

        return resources;
    }

    /// <summary>The lower-case plural the API server uses for a kind (Istio → istios, GatewayClass → gatewayclasses, AuthPolicy → authpolicies).</summary>
    public static string PluralOf(string kind)
    {
        var lower = kind.ToLowerInvariant();
        return lower switch
        {
            "endpoints" => lower,
            _ when lower.EndsWith('s') => lower + "es",
            _ when lower.EndsWith('y') && lower.Length > 1 && "aeiou".IndexOf(lower[^2], StringComparison.Ordinal) < 0 => lower[..^1] + "ies",
            _ => lower + "s",
        };
    }
}
