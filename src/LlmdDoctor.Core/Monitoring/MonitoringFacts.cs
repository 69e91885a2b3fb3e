namespace LlmdDoctor.Core.Monitoring;

/// <summary>
/// What the monitoring path looked like in this run: the OpenShift monitoring switches read from the snapshot,
/// and what the monitoring APIs (Prometheus/Thanos, Grafana, Alertmanager) answered. Pure data, filled by the
/// monitoring collector; checks only read it. Credentials never enter it.
/// </summary>
public sealed record MonitoringFacts
{
    public static MonitoringFacts Empty { get; } = new();

    /// <summary>
    /// <c>openshift-monitoring/cluster-monitoring-config</c> as parsed by the collector; null when the collector did
    /// not derive facts from the snapshot (a wiring bug: the check then fails loudly rather than reading as healthy).
    /// </summary>
    public ClusterMonitoringConfigFact? ClusterMonitoringConfig { get; init; }

    /// <summary>Every monitoring API endpoint the collector called, with how the first call fared.</summary>
    public IReadOnlyList<DatasourceProbe> Datasources { get; init; } = [];

    /// <summary>Token Secrets the configuration names for the datasource (<c>ns/name</c>), checked against the snapshot.</summary>
    public IReadOnlyList<string> TokenSecrets { get; init; } = [];

    /// <summary>What Prometheus/Thanos answered; null when it was not queried (see the Prometheus input state).</summary>
    public PrometheusFacts? Prometheus { get; init; }

    /// <summary>What Grafana answered; null when no Grafana URL was configured or it was unreachable.</summary>
    public GrafanaFacts? Grafana { get; init; }

    /// <summary>What Alertmanager answered; null when not queried.</summary>
    public AlertmanagerFacts? Alertmanager { get; init; }
}

/// <summary>The parts of <c>cluster-monitoring-config</c> (<c>config.yaml</c>, ClusterMonitoringConfiguration) the checks read.</summary>
/// <param name="ConfigMapPresent">Whether the ConfigMap exists in the snapshot.</param>
/// <param name="EnableUserWorkload"><c>enableUserWorkload</c> as written; null when absent or not a boolean.</param>
/// <param name="RawValue">The scalar as written, for evidence (empty when absent).</param>
/// <param name="Problem">Why <c>config.yaml</c> could not be read (missing key, YAML error), or empty.</param>
public sealed record ClusterMonitoringConfigFact(bool ConfigMapPresent, bool? EnableUserWorkload, string RawValue, string Problem)
{
    public static ClusterMonitoringConfigFact Missing { get; } = new(false, null, "", "");
}
