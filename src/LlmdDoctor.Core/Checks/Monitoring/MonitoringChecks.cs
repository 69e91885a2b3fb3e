using LlmdDoctor.Core.Checks.Monitoring;

namespace LlmdDoctor.Core.Checks;

/// <summary>The Monitoring checks, sorted by name.</summary>
public static class MonitoringChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new AlertDeliveryBrokenCheck(),          // alerting.HeartbeatDelivered
        new AlertRulesNotLoadedCheck(),          // alerting.RulesLoaded
        new DatasourceUnauthorizedCheck(),       // datasource.Authorized
        new DatasourceCredentialMissingCheck(),  // datasource.CredentialReferences
        new DatasourceUnreachableCheck(),        // datasource.Reachable
        new DatasourceSchemeMismatchCheck(),     // datasource.Scheme
        new DatasourceServiceMissingCheck(),     // datasource.ServiceExists
        new GrafanaDashboardNotLoadedCheck(),    // grafana.DashboardContent
        new DashboardQueriesEmptyCheck(),        // grafana.DashboardQueries
        new GrafanaDatasourceUnhealthyCheck(),   // grafana.DatasourceHealth
        new GrafanaDatasourceNotSyncedCheck(),   // grafana.DatasourceSynced
        new GrafanaNoMatchingInstanceCheck(),    // grafana.InstanceMatch
        new GpuMetricsAbsentCheck(),             // monitoring.GpuMetrics
        new MetricPrefixMismatchCheck(),         // monitoring.MetricPrefix
        new MetricsAbsentCheck(),                // monitoring.MetricsPresent
        new MonitorMissingCheck(),               // monitoring.MonitorCoverage
        new MonitorSelectsNothingCheck(),        // monitoring.MonitorSelection
        new NamespaceNotMonitoredCheck(),        // monitoring.NamespaceMonitored
        new ScrapeTargetsDownCheck(),            // monitoring.ScrapeTargetsUp
        new UserWorkloadMonitoringDisabledCheck(), // monitoring.UserWorkloadEnabled
    ];
}
