namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// The typed, indexed inventory of one cluster (live or from a bundle). Checks read it; nothing in it does I/O.
/// Secrets are kept by name and type only.
/// </summary>
public sealed class ClusterSnapshot
{
    public static ClusterSnapshot Empty { get; } = new();

    public IReadOnlyList<Namespace> Namespaces { get; init; } = [];
    public IReadOnlyList<GatewayClass> GatewayClasses { get; init; } = [];
    public IReadOnlyList<Gateway> Gateways { get; init; } = [];
    public IReadOnlyList<HttpRoute> HttpRoutes { get; init; } = [];
    public IReadOnlyList<InferencePool> InferencePools { get; init; } = [];
    public IReadOnlyList<Service> Services { get; init; } = [];
    public IReadOnlyList<Pod> Pods { get; init; } = [];
    public IReadOnlyList<Deployment> Deployments { get; init; } = [];
    public IReadOnlyList<StatefulSet> StatefulSets { get; init; } = [];
    public IReadOnlyList<LeaderWorkerSet> LeaderWorkerSets { get; init; } = [];
    public IReadOnlyList<ConfigMap> ConfigMaps { get; init; } = [];
    public IReadOnlyList<SecretInfo> Secrets { get; init; } = [];
    public IReadOnlyList<LlmInferenceService> LlmInferenceServices { get; init; } = [];
    public IReadOnlyList<IstioControlPlane> IstioControlPlanes { get; init; } = [];
    public IReadOnlyList<EnvoyFilter> EnvoyFilters { get; init; } = [];
    public IReadOnlyList<ServiceMonitor> ServiceMonitors { get; init; } = [];
    public IReadOnlyList<PodMonitor> PodMonitors { get; init; } = [];
    public IReadOnlyList<PrometheusServer> PrometheusServers { get; init; } = [];
    public IReadOnlyList<PrometheusRule> PrometheusRules { get; init; } = [];
    public IReadOnlyList<GrafanaInstance> GrafanaInstances { get; init; } = [];
    public IReadOnlyList<GrafanaDatasource> GrafanaDatasources { get; init; } = [];
    public IReadOnlyList<GrafanaDashboard> GrafanaDashboards { get; init; } = [];
    public IReadOnlyList<OpenDataHubMonitoring> OpenDataHubMonitorings { get; init; } = [];

    /// <summary>Objects that could not be read, with the reason (they are left out, and the report says so).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The parts' objects one after the other, in the parts' order (each part read on its own, e.g. one kind).</summary>
    public static ClusterSnapshot Combine(IEnumerable<ClusterSnapshot> parts)
    {
        var all = parts.ToList();
        return new ClusterSnapshot
        {
            Namespaces = [.. all.SelectMany(p => p.Namespaces)],
            GatewayClasses = [.. all.SelectMany(p => p.GatewayClasses)],
            Gateways = [.. all.SelectMany(p => p.Gateways)],
            HttpRoutes = [.. all.SelectMany(p => p.HttpRoutes)],
            InferencePools = [.. all.SelectMany(p => p.InferencePools)],
            Services = [.. all.SelectMany(p => p.Services)],
            Pods = [.. all.SelectMany(p => p.Pods)],
            Deployments = [.. all.SelectMany(p => p.Deployments)],
            ConfigMaps = [.. all.SelectMany(p => p.ConfigMaps)],
            Secrets = [.. all.SelectMany(p => p.Secrets)],
            LlmInferenceServices = [.. all.SelectMany(p => p.LlmInferenceServices)],
            IstioControlPlanes = [.. all.SelectMany(p => p.IstioControlPlanes)],
            EnvoyFilters = [.. all.SelectMany(p => p.EnvoyFilters)],
            ServiceMonitors = [.. all.SelectMany(p => p.ServiceMonitors)],
            PodMonitors = [.. all.SelectMany(p => p.PodMonitors)],
            PrometheusServers = [.. all.SelectMany(p => p.PrometheusServers)],
            PrometheusRules = [.. all.SelectMany(p => p.PrometheusRules)],
            GrafanaInstances = [.. all.SelectMany(p => p.GrafanaInstances)],
            GrafanaDatasources = [.. all.SelectMany(p => p.GrafanaDatasources)],
            GrafanaDashboards = [.. all.SelectMany(p => p.GrafanaDashboards)],
            Problems = [.. all.SelectMany(p => p.Problems)],
        };
    }

    public Service? FindService(string ns, string name) =>
        Services.FirstOrDefault(s => s.Metadata.Ns == ns && s.Metadata.Name == name);

    public Gateway? FindGateway(string ns, string name) =>
        Gateways.FirstOrDefault(g => g.Metadata.Ns == ns && g.Metadata.Name == name);

    public Namespace? FindNamespace(string name) => Namespaces.FirstOrDefault(n => n.Metadata.Name == name);

    public ConfigMap? FindConfigMap(string ns, string name) =>
        ConfigMaps.FirstOrDefault(c => c.Metadata.Ns == ns && c.Metadata.Name == name);

    /// <summary>Pools of that name in that namespace, optionally only of one API group.</summary>
    public IEnumerable<InferencePool> FindPools(string ns, string name, string? group = null) =>
        InferencePools.Where(p => p.Metadata.Ns == ns && p.Metadata.Name == name && (group is null || p.ApiGroup == group));

    public IEnumerable<Pod> PodsMatching(string ns, LabelSelector selector) =>
        Pods.Where(p => p.Metadata.Ns == ns && selector.Matches(p.Metadata.Labels));

    /// <summary>The Envoy pods serving <paramref name="gateway"/>, found by its implementation's conventions (<see cref="GatewayProxies.Of"/>).</summary>
    public IEnumerable<Pod> GatewayPods(Gateway gateway) => GatewayProxies.Of(this, gateway).Pods;

    public IEnumerable<HttpRoute> RoutesOf(Gateway gateway) =>
        HttpRoutes.Where(r => r.Spec.ParentRefs.Any(p => p.RefersToGateway(r.Metadata.Ns, gateway.Metadata.Ns, gateway.Metadata.Name)));

    public const string GatewayNameLabel = "gateway.networking.k8s.io/gateway-name";

    /// <summary>Why pod-based checks skip on an inventory without a single Pod (published manifests hold none).</summary>
    public const string NoPodsCollected = "pods not collected: the inventory holds no Pod objects";
}
