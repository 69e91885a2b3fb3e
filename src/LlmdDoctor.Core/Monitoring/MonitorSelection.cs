using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Monitoring;

/// <summary>
/// Which Prometheus picks up a monitor or a namespace. OpenShift User Workload Monitoring reads monitors in
/// namespaces not labelled <c>openshift.io/cluster-monitoring: "true"</c> nor <c>openshift.io/user-monitoring: "false"</c>,
/// and ignores objects labelled <c>openshift.io/user-monitoring: "false"</c> (cluster-monitoring-operator
/// assets/prometheus-user-workload/prometheus.yaml). A plain Prometheus Operator Prometheus reads monitors
/// matching its <c>serviceMonitorSelector</c>/<c>podMonitorSelector</c> (null selects none, empty selects all)
/// in namespaces matching the namespace selectors (null = its own namespace, empty = all).
/// A third path, on ODH/RHOAI: the opendatahub-operator's Monitoring <c>default-monitoring</c> with <c>spec.metrics</c>
/// deploys an OpenTelemetry collector whose target allocator reads the monitors labelled
/// <c>monitoring.opendatahub.io/scrape: "true"</c>; its admission webhook adds that label to monitors created or
/// updated in namespaces labelled so (opendatahub-operator internal/webhook/monitoring/mutating.go, @0c0c991).
/// The collector's target allocator sets no namespace selector, which the doctor reads as "every namespace"
/// (that is what the webhook labelling monitors in any namespace relies on; not read in the OpenTelemetry
/// operator's source).
/// </summary>
public static class MonitorSelection
{
    public const string MonitoringNamespace = "openshift-monitoring";
    public const string ClusterMonitoringConfigName = "cluster-monitoring-config";
    public const string UserMonitoringLabel = "openshift.io/user-monitoring";
    public const string ClusterMonitoringLabel = "openshift.io/cluster-monitoring";

    /// <summary>OpenShift when <c>openshift-monitoring</c> or its <c>cluster-monitoring-config</c> is in the snapshot.</summary>
    public static bool IsOpenShift(ClusterSnapshot snapshot) =>
        snapshot.FindNamespace(MonitoringNamespace) is not null
        || snapshot.FindConfigMap(MonitoringNamespace, ClusterMonitoringConfigName) is not null;

    /// <summary>The ODH/RHOAI Monitoring that collects metrics (<c>spec.metrics</c> set), or null.</summary>
    public static OpenDataHubMonitoring? OpenDataHubCollector(ClusterSnapshot snapshot) =>
        snapshot.OpenDataHubMonitorings.FirstOrDefault(m => m.Spec.Metrics is not null);

    /// <summary>
    /// Whether the ODH/RHOAI collector reads <paramref name="monitor"/>: it carries <c>monitoring.opendatahub.io/scrape: "true"</c>,
    /// or it is an applied manifest (no resourceVersion yet) without the label in a namespace labelled so, which the
    /// operator's webhook labels on create.
    /// </summary>
    public static bool ReadByOpenDataHubCollector(ClusterSnapshot snapshot, MonitorRef monitor)
    {
        if (OpenDataHubCollector(snapshot) is null)
        {
            return false;
        }

        if (monitor.Metadata.Labels.TryGetValue(OpenDataHubMonitoring.ScrapeLabel, out var own))
        {
            return own == "true";
        }

        return string.IsNullOrEmpty(monitor.Metadata.ResourceVersion) && NamespaceOptedIntoOpenDataHub(snapshot, monitor.Metadata.Ns);
    }

    private static bool NamespaceOptedIntoOpenDataHub(ClusterSnapshot snapshot, string ns) =>
        snapshot.FindNamespace(ns)?.Metadata.Labels.TryGetValue(OpenDataHubMonitoring.ScrapeLabel, out var value) == true && value == "true";

    private static string OpenDataHubHint(ClusterSnapshot snapshot) => OpenDataHubCollector(snapshot) is { } odh
        ? $"; the ODH/RHOAI monitoring stack (Monitoring {odh.Metadata.Name}, metrics on) reads only monitors labelled {OpenDataHubMonitoring.ScrapeLabel}=true (its webhook adds the label to monitors created in namespaces labelled so)"
        : "";

    /// <summary>Why no Prometheus watches monitors in <paramref name="ns"/>, or null when one does or it cannot be told.</summary>
    public static string? WhyNamespaceNotMonitored(ClusterSnapshot snapshot, string ns)
    {
        if (OpenDataHubCollector(snapshot) is not null && NamespaceOptedIntoOpenDataHub(snapshot, ns))
        {
            return null;
        }

        return WhyNoPrometheusWatches(snapshot, ns) is { } reason ? reason + OpenDataHubHint(snapshot) : null;
    }

    private static string? WhyNoPrometheusWatches(ClusterSnapshot snapshot, string ns)
    {
        var labels = snapshot.FindNamespace(ns)?.Metadata.Labels ?? [];
        if (IsOpenShift(snapshot))
        {
            if (labels.TryGetValue(UserMonitoringLabel, out var opt) && opt == "false")
            {
                return $"it is labelled {UserMonitoringLabel}=false, so User Workload Monitoring ignores its ServiceMonitors and PodMonitors";
            }

            if (labels.TryGetValue(ClusterMonitoringLabel, out var platform) && platform == "true")
            {
                return $"it is labelled {ClusterMonitoringLabel}=true: User Workload Monitoring skips platform namespaces, and the platform Prometheus does not scrape user workloads";
            }

            return null;
        }

        if (snapshot.PrometheusServers.Count == 0)
        {
            return null;
        }

        if (snapshot.PrometheusServers.Any(p => NamespaceSelected(snapshot, p, p.Spec.ServiceMonitorNamespaceSelector, ns)
            || NamespaceSelected(snapshot, p, p.Spec.PodMonitorNamespaceSelector, ns)))
        {
            return null;
        }

        var servers = string.Join("; ", snapshot.PrometheusServers.Select(p =>
            $"Prometheus {p.Metadata.Key} reads ServiceMonitors from {DescribeNamespaceSelector(p, p.Spec.ServiceMonitorNamespaceSelector)} and PodMonitors from {DescribeNamespaceSelector(p, p.Spec.PodMonitorNamespaceSelector)}"));
        return $"no Prometheus selects it: {servers}";
    }

    /// <summary>Why no Prometheus reads this monitor object, or null when one does or it cannot be told.</summary>
    public static string? WhyMonitorNotRead(ClusterSnapshot snapshot, MonitorRef monitor)
    {
        if (ReadByOpenDataHubCollector(snapshot, monitor))
        {
            return null;
        }

        return WhyNoPrometheusReads(snapshot, monitor) is { } reason ? reason + OpenDataHubHint(snapshot) : null;
    }

    private static string? WhyNoPrometheusReads(ClusterSnapshot snapshot, MonitorRef monitor)
    {
        if (IsOpenShift(snapshot))
        {
            return monitor.Metadata.Labels.TryGetValue(UserMonitoringLabel, out var opt) && opt == "false"
                ? $"{monitor.KindName} {monitor.Key} is labelled {UserMonitoringLabel}=false, so User Workload Monitoring ignores it"
                : WhyNoPrometheusWatches(snapshot, monitor.Metadata.Ns);
        }

        if (snapshot.PrometheusServers.Count == 0)
        {
            return null;
        }

        var reasons = new List<string>();
        foreach (var p in snapshot.PrometheusServers)
        {
            var (nsSelector, selector) = monitor.Kind == MonitorKind.ServiceMonitor
                ? (p.Spec.ServiceMonitorNamespaceSelector, p.Spec.ServiceMonitorSelector)
                : (p.Spec.PodMonitorNamespaceSelector, p.Spec.PodMonitorSelector);
            var what = monitor.Kind == MonitorKind.ServiceMonitor ? "serviceMonitor" : "podMonitor";
            if (!NamespaceSelected(snapshot, p, nsSelector, monitor.Metadata.Ns))
            {
                reasons.Add($"Prometheus {p.Metadata.Key} does not read {monitor.KindName}s in namespace {monitor.Metadata.Ns} ({what}NamespaceSelector: {DescribeNamespaceSelector(p, nsSelector)})");
            }
            else if (selector is null || !selector.Matches(monitor.Metadata.Labels))
            {
                reasons.Add($"Prometheus {p.Metadata.Key} {what}Selector {(selector is null ? "is unset and selects none" : "{" + selector + "}")} does not match the labels of {monitor.KindName} {monitor.Key}");
            }
            else
            {
                return null;
            }
        }

        return string.Join("; ", reasons);
    }

    /// <summary>Why no Prometheus loads this PrometheusRule (plain Prometheus Operator), or null.</summary>
    public static string? WhyRuleNotSelected(ClusterSnapshot snapshot, PrometheusRule rule)
    {
        if (IsOpenShift(snapshot) || snapshot.PrometheusServers.Count == 0)
        {
            return null;
        }

        var reasons = new List<string>();
        foreach (var p in snapshot.PrometheusServers)
        {
            if (!NamespaceSelected(snapshot, p, p.Spec.RuleNamespaceSelector, rule.Metadata.Ns))
            {
                reasons.Add($"Prometheus {p.Metadata.Key} ruleNamespaceSelector ({DescribeNamespaceSelector(p, p.Spec.RuleNamespaceSelector)}) excludes namespace {rule.Metadata.Ns}");
            }
            else if (p.Spec.RuleSelector is not { } selector || !selector.Matches(rule.Metadata.Labels))
            {
                reasons.Add($"Prometheus {p.Metadata.Key} ruleSelector {(p.Spec.RuleSelector is null ? "is unset and selects none" : "{" + p.Spec.RuleSelector + "}")} does not match its labels");
            }
            else
            {
                return null;
            }
        }

        return string.Join("; ", reasons);
    }

    /// <summary>
    /// Who makes the Prometheus reading <paramref name="monitor"/> ignore its namespaceSelector, or null when it is
    /// honoured. On OpenShift that is User Workload Monitoring, whose Prometheus always sets
    /// <c>ignoreNamespaceSelectors: true</c> (cluster-monitoring-operator assets/prometheus-user-workload/prometheus.yaml
    /// @f581865b). Elsewhere: the Prometheus objects that read the monitor (all of them when none does), when every
    /// one of them sets it.
    /// </summary>
    public static string? WhoIgnoresNamespaceSelector(ClusterSnapshot snapshot, MonitorRef monitor)
    {
        if (IsOpenShift(snapshot))
        {
            return "User Workload Monitoring's Prometheus";
        }

        var readers = snapshot.PrometheusServers.Where(p => Reads(snapshot, p, monitor)).ToList();
        if (readers.Count == 0)
        {
            readers = [.. snapshot.PrometheusServers];
        }

        return readers.Count > 0 && readers.All(p => p.Spec.IgnoreNamespaceSelectors)
            ? string.Join(", ", readers.Select(p => $"Prometheus {p.Metadata.Key}"))
            : null;
    }

    private static bool Reads(ClusterSnapshot snapshot, PrometheusServer p, MonitorRef monitor)
    {
        var (nsSelector, selector) = monitor.Kind == MonitorKind.ServiceMonitor
            ? (p.Spec.ServiceMonitorNamespaceSelector, p.Spec.ServiceMonitorSelector)
            : (p.Spec.PodMonitorNamespaceSelector, p.Spec.PodMonitorSelector);
        return NamespaceSelected(snapshot, p, nsSelector, monitor.Metadata.Ns) && selector is not null && selector.Matches(monitor.Metadata.Labels);
    }

    private static bool NamespaceSelected(ClusterSnapshot snapshot, PrometheusServer p, LabelSelector? selector, string ns) =>
        selector is null
            ? ns == p.Metadata.Ns
            : selector.Matches(snapshot.FindNamespace(ns)?.Metadata.Labels ?? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns });

    private static string DescribeNamespaceSelector(PrometheusServer p, LabelSelector? selector) => selector switch
    {
        null => $"only its own namespace {p.Metadata.Ns}",
        { IsEmpty: true } => "all namespaces",
        _ => $"namespaces matching {{{selector}}}",
    };
}
