using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Monitoring;

public enum MonitorKind
{
    ServiceMonitor,
    PodMonitor,
}

/// <summary>A ServiceMonitor or PodMonitor seen through what both share.</summary>
public sealed record MonitorRef(
    MonitorKind Kind,
    ObjectMeta Metadata,
    LabelSelector Selector,
    NamespaceSelector? NamespaceSelector,
    IReadOnlyList<MonitorEndpoint> Endpoints)
{
    /// <summary>
    /// Who makes the Prometheus that reads this monitor ignore its <c>namespaceSelector</c> (so it only finds
    /// targets in its own namespace), or null when the selector is honoured. See <see cref="MonitorSelection.WhoIgnoresNamespaceSelector"/>.
    /// </summary>
    public string? NamespaceSelectorIgnoredBy { get; init; }

    public string KindName => Kind.ToString();

    public string Key => Metadata.Key;

    public Subject Subject => new("monitoring.coreos.com", KindName, Metadata.Ns, Metadata.Name);

    /// <summary>KServe's own monitors (<c>kserve-llm-isvc-vllm-engine</c>, <c>kserve-llm-isvc-scheduler</c> and their <c>-default</c> twins).</summary>
    public bool IsKServe => Metadata.Name.StartsWith("kserve-llm-isvc-", StringComparison.Ordinal);

    /// <summary>
    /// Whether the monitor's <c>metricRelabelings</c> rename <c>__name__</c> to <c>kserve_$1</c> (the KServe rule).
    /// Relabelings are per endpoint; one renaming endpoint is enough to produce renamed series.
    /// </summary>
    public bool RenamesToKServe => Endpoints.Any(e => e.MetricRelabelings.Any(r =>
        string.Equals(r.TargetLabel, "__name__", StringComparison.Ordinal)
        && (r.Action is null || string.Equals(r.Action, "replace", StringComparison.OrdinalIgnoreCase))
        && (r.Replacement?.StartsWith(MetricFamilies.KServePrefix + "$", StringComparison.Ordinal) ?? false)));

    public static IReadOnlyList<MonitorRef> All(ClusterSnapshot snapshot) =>
    [
        .. snapshot.ServiceMonitors.Select(m => WithReader(snapshot, new MonitorRef(MonitorKind.ServiceMonitor, m.Metadata, m.Spec.Selector, m.Spec.NamespaceSelector, m.Spec.Endpoints))),
        .. snapshot.PodMonitors.Select(m => WithReader(snapshot, new MonitorRef(MonitorKind.PodMonitor, m.Metadata, m.Spec.Selector, m.Spec.NamespaceSelector, m.Spec.PodMetricsEndpoints))),
    ];

    private static MonitorRef WithReader(ClusterSnapshot snapshot, MonitorRef monitor) =>
        monitor with { NamespaceSelectorIgnoredBy = MonitorSelection.WhoIgnoresNamespaceSelector(snapshot, monitor) };

    /// <summary>
    /// Prometheus Operator semantics: no namespaceSelector (or an empty one) means the monitor's own namespace;
    /// <c>any: true</c> means every namespace; a Prometheus with <c>ignoreNamespaceSelectors</c> means its own namespace only.
    /// </summary>
    public bool LooksIn(string ns) => NamespaceSelectorIgnoredBy is not null ? ns == Metadata.Ns : NamespaceSelector switch
    {
        { Any: true } => true,
        { MatchNames.Count: > 0 } s => s.MatchNames.Contains(ns),
        _ => ns == Metadata.Ns,
    };

    /// <summary>Whether the monitor asks for other namespaces than its own (a namespaceSelector that would matter if honoured).</summary>
    public bool AsksForOtherNamespaces => NamespaceSelector is { Any: true } || NamespaceSelector is { MatchNames.Count: > 0 } s && s.MatchNames.Any(n => n != Metadata.Ns);

    public string DescribeNamespaces() => NamespaceSelectorIgnoredBy is { } who && AsksForOtherNamespaces
        ? $"its own namespace {Metadata.Ns} ({who} sets ignoreNamespaceSelectors: true, so the namespaceSelector is ignored)"
        : NamespaceSelectorIgnoredBy is not null ? $"its own namespace {Metadata.Ns}" : NamespaceSelector switch
        {
            { Any: true } => "all namespaces",
            { MatchNames.Count: > 0 } s => "namespace(s) " + string.Join(", ", s.MatchNames),
            _ => $"its own namespace {Metadata.Ns}",
        };
}

/// <summary>What a monitor actually scrapes: the pods it reaches, or why it reaches none.</summary>
public sealed record MonitorMatch(MonitorRef Monitor, IReadOnlyList<Pod> CoveredPods, string Problem)
{
    public bool SelectsNothing => CoveredPods.Count == 0;
}

/// <summary>
/// Matches a monitor against Services and Pods the way Prometheus Operator's generated relabelling does:
/// ServiceMonitor <c>port</c> is a Service port <em>name</em> (<c>targetPort</c> a pod port number or name);
/// PodMonitor <c>port</c> is a container port name, <c>portNumber</c>/<c>targetPort</c> a container port.
/// </summary>
public static class MonitorTargets
{
    /// <summary>Matches against the pods that exist.</summary>
    public static MonitorMatch Match(ClusterSnapshot snapshot, MonitorRef monitor) => Match(snapshot, monitor, CoveragePods.Live(snapshot));

    public static MonitorMatch Match(ClusterSnapshot snapshot, MonitorRef monitor, CoveragePods pods) =>
        Rejection(snapshot, monitor) is { } rejected
            ? new(monitor, [], rejected)
            : monitor.Kind == MonitorKind.ServiceMonitor ? MatchServiceMonitor(snapshot, monitor, pods) : MatchPodMonitor(monitor, pods);

    /// <summary>
    /// prometheus-operator drops a whole monitor whose endpoint names a Secret, a ConfigMap or a ConfigMap key that does
    /// not exist in the monitor's namespace (pkg/prometheus/resource_selector.go checkServiceMonitor/checkPodMonitor and
    /// pkg/assets/store.go GetConfigMapKey, v0.93): it then scrapes nothing. Secrets are judged only when Secrets were
    /// collected at all, ConfigMaps only when ConfigMaps were (a bundle of manifests usually has neither; live, the
    /// ConfigMaps a monitor names are fetched by name).
    /// </summary>
    public static string? Rejection(ClusterSnapshot snapshot, MonitorRef monitor)
    {
        var ns = monitor.Metadata.Ns;
        var missing = new List<string>();
        foreach (var (endpoint, index) in monitor.Endpoints.Select((e, i) => (e, i)))
        {
            if (snapshot.Secrets.Count > 0)
            {
                missing.AddRange(endpoint.SecretReferences()
                    .Where(r => !snapshot.Secrets.Any(s => s.Metadata.Ns == ns && s.Metadata.Name == r.Secret))
                    .Select(r => $"endpoint {index} {r.Field} names Secret {ns}/{r.Secret}, which does not exist"));
            }

            if (snapshot.ConfigMaps.Count > 0)
            {
                foreach (var (field, reference) in endpoint.ConfigMapReferences())
                {
                    var configMap = snapshot.FindConfigMap(ns, reference.Name);
                    if (configMap is null)
                    {
                        missing.Add($"endpoint {index} {field} names ConfigMap {ns}/{reference.Name}, which does not exist");
                    }
                    else if (!configMap.Data.ContainsKey(reference.Key ?? ""))
                    {
                        missing.Add($"endpoint {index} {field} names key '{reference.Key}' of ConfigMap {ns}/{reference.Name}, which has no such key");
                    }
                }
            }
        }

        return missing.Count == 0 ? null : "prometheus-operator rejects the monitor and scrapes nothing: " + string.Join("; ", missing);
    }

    private static MonitorMatch MatchServiceMonitor(ClusterSnapshot snapshot, MonitorRef monitor, CoveragePods coverage)
    {
        var services = snapshot.Services.Where(s => monitor.LooksIn(s.Metadata.Ns) && monitor.Selector.Matches(s.Metadata.Labels)).ToList();
        if (services.Count == 0)
        {
            var elsewhere = snapshot.Services.Where(s => monitor.Selector.Matches(s.Metadata.Labels)).Select(s => s.Metadata.Key).ToList();
            return new(monitor, [], NothingSelected("Service", monitor, elsewhere));
        }

        var covered = new List<Pod>();
        var problems = new List<string>();
        foreach (var service in services)
        {
            var ports = monitor.Endpoints.Count == 0
                ? service.Spec.Ports
                : [.. service.Spec.Ports.Where(p => monitor.Endpoints.Any(e => ServicePortMatches(e, p)))];
            if (ports.Count == 0)
            {
                problems.Add($"{DescribeEndpointPorts(monitor, "Service port name")} not on Service {service.Metadata.Key} (its ports: {DescribePorts(service)})");
                continue;
            }

            var pods = service.Spec.Selector.Count == 0
                ? []
                : coverage.Matching(service.Metadata.Ns, LabelSelector.FromMap(service.Spec.Selector)).ToList();
            var reached = pods.Where(pod => ports.Any(p => p.TargetPort is not { Name: { } name } || pod.PortNamed(name) is not null)).ToList();
            if (reached.Count == 0)
            {
                problems.Add(pods.Count == 0
                    ? $"Service {service.Metadata.Key} selects no pods"
                    : $"the pods of Service {service.Metadata.Key} have no container port named {string.Join("/", ports.Select(p => p.TargetPort?.Name))}");
            }

            covered.AddRange(reached);
        }

        return new(monitor, [.. covered.Distinct()], covered.Count == 0 ? string.Join("; ", problems) : "");
    }

    private static MonitorMatch MatchPodMonitor(MonitorRef monitor, CoveragePods coverage)
    {
        var pods = coverage.All.Where(p => monitor.LooksIn(p.Metadata.Ns) && monitor.Selector.Matches(p.Metadata.Labels)).ToList();
        if (pods.Count == 0)
        {
            var elsewhere = coverage.All.Where(p => monitor.Selector.Matches(p.Metadata.Labels)).Select(p => p.Metadata.Key).ToList();
            return new(monitor, [], NothingSelected("Pod", monitor, elsewhere));
        }

        var covered = pods.Where(pod => monitor.Endpoints.Count == 0 || monitor.Endpoints.Any(e => PodPortMatches(e, pod))).ToList();
        var problem = covered.Count == 0
            ? $"{DescribeEndpointPorts(monitor, "container port")} not on pod(s) {Names(pods.Select(p => p.Metadata.Key))} (their ports: {DescribePorts(pods[0])})"
            : "";
        return new(monitor, covered, problem);
    }

    private static bool ServicePortMatches(MonitorEndpoint endpoint, ServicePort port)
    {
        if (endpoint.Port is { Length: > 0 } name)
        {
            return port.Name == name;
        }

        if (endpoint.TargetPort is { } target)
        {
            var actual = port.TargetPort ?? new IntOrString(port.Port, null);
            return target.Number is { } n ? actual.Number == n : actual.Name == target.Name;
        }

        return true;
    }

    private static bool PodPortMatches(MonitorEndpoint endpoint, Pod pod)
    {
        var ports = pod.Spec.Containers.SelectMany(c => c.Ports).ToList();
        if (endpoint.Port is { Length: > 0 } name)
        {
            return ports.Any(p => p.Name == name);
        }

        if (endpoint.PortNumber is { } number)
        {
            return ports.Any(p => p.ContainerPort == number);
        }

        if (endpoint.TargetPort is { } target)
        {
            return target.Number is { } n ? ports.Any(p => p.ContainerPort == n) : ports.Any(p => p.Name == target.Name);
        }

        return true;
    }

    private static string NothingSelected(string kind, MonitorRef monitor, List<string> elsewhere) => elsewhere.Count > 0
        ? monitor.NamespaceSelectorIgnoredBy is not null && monitor.AsksForOtherNamespaces
            ? $"selector {Selector(monitor)} matches {kind}(s) {Names(elsewhere)} but the monitor only finds targets in {monitor.DescribeNamespaces()}: create it in the namespace of its targets"
            : $"selector {Selector(monitor)} matches {kind}(s) {Names(elsewhere)} but the namespaceSelector looks only in {monitor.DescribeNamespaces()}"
        : $"selector {Selector(monitor)} matches no {kind} in {monitor.DescribeNamespaces()}";

    private static string Selector(MonitorRef monitor) => monitor.Selector.IsEmpty ? "{}" : monitor.Selector.ToString();

    private static string DescribeEndpointPorts(MonitorRef monitor, string what)
    {
        var ports = monitor.Endpoints.Select(e => e.Port is { Length: > 0 } p ? $"'{p}'"
            : e.PortNumber is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : e.TargetPort?.ToString() ?? "(any)");
        return $"{what} {string.Join(", ", ports)}";
    }

    private static string DescribePorts(Service service) =>
        service.Spec.Ports.Count == 0 ? "none" : string.Join(", ", service.Spec.Ports.Select(p => $"{p.Name ?? "(unnamed)"}/{p.Port}"));

    private static string DescribePorts(Pod pod)
    {
        var ports = pod.Spec.Containers.SelectMany(c => c.Ports).Select(p => $"{p.Name ?? "(unnamed)"}/{p.ContainerPort}").ToList();
        return ports.Count == 0 ? "none declared" : string.Join(", ", ports);
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 3 ? string.Join(", ", list) : $"{string.Join(", ", list.Take(3))} and {list.Count - 3} more";
    }
}
