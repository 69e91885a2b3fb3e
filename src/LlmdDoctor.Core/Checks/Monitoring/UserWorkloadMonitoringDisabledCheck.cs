using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0501: on OpenShift, user workloads (vLLM, EPP) are only scraped when <c>enableUserWorkload: true</c> is set
/// in <c>openshift-monitoring/cluster-monitoring-config</c> <c>config.yaml</c>; a missing ConfigMap means off.
/// </summary>
public sealed class UserWorkloadMonitoringDisabledCheck : ICheck
{
    public string Name => "monitoring.UserWorkloadEnabled";
    public string Description => "OpenShift User Workload Monitoring is enabled (cluster-monitoring-config enableUserWorkload)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.ConfigMaps, CheckInput.Namespaces];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.UserWorkloadMonitoringDisabled];

    public void Run(CheckContext context)
    {
        if (!MonitorSelection.IsOpenShift(context.Cluster))
        {
            return;
        }

        var ns = MonitorSelection.MonitoringNamespace;
        var name = MonitorSelection.ClusterMonitoringConfigName;
        var present = context.Cluster.FindConfigMap(ns, name) is not null;
        string detail;
        if (!present)
        {
            detail = $"ConfigMap {ns}/{name} does not exist, so enableUserWorkload is at its default (false)";
        }
        else
        {
            var fact = context.Inputs.Monitoring.ClusterMonitoringConfig is { ConfigMapPresent: true } f
                ? f
                : throw new InvalidOperationException($"{ns}/{name} is in the snapshot but the collector did not parse it");
            if (fact.EnableUserWorkload == true)
            {
                return;
            }

            detail = fact switch
            {
                { Problem.Length: > 0 } => $"{ns}/{name} config.yaml could not be read: {fact.Problem}",
                { EnableUserWorkload: false } => $"{ns}/{name} config.yaml sets enableUserWorkload: {fact.RawValue}",
                { RawValue.Length: > 0 } => $"{ns}/{name} config.yaml sets enableUserWorkload to '{fact.RawValue}', which is not a boolean",
                _ => $"{ns}/{name} config.yaml does not set enableUserWorkload (default false)",
            };
        }

        context.Report(FindingCatalog.UserWorkloadMonitoringDisabled.At(Subject.ConfigMap(ns, name),
            ("detail", detail), ("configMap", $"{ns}/{name}"), ("present", present ? "true" : "false")));
    }
}
