using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0502: a namespace holding vLLM or EPP pods is outside every Prometheus's reach: opted out of User
/// Workload Monitoring, a platform namespace on OpenShift, or not matched by a plain Prometheus's
/// serviceMonitorNamespaceSelector/podMonitorNamespaceSelector (and no monitor elsewhere that is read covers it).
/// A bundle of applied manifests (no pods) is judged by the pods its workloads' templates will create.
/// </summary>
public sealed class NamespaceNotMonitoredCheck : ICheck
{
    public string Name => "monitoring.NamespaceMonitored";
    public string Description => "namespaces of vLLM and Endpoint Picker pods are watched by a Prometheus";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Namespaces, CheckInput.Pods, CheckInput.Monitors];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.NamespaceNotMonitored];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var coverage = CoveragePods.WithTemplates(snapshot);
        var workloads = ServingWorkloads.Find(snapshot, coverage);
        var matches = MonitorRef.All(snapshot).Select(m => MonitorTargets.Match(snapshot, m, coverage)).ToList();
        foreach (var group in workloads.GroupBy(w => w.Namespace))
        {
            var reason = MonitorSelection.WhyNamespaceNotMonitored(snapshot, group.Key);
            if (reason is null)
            {
                continue;
            }

            var pods = group.SelectMany(w => w.Pods).ToHashSet();
            var readElsewhere = matches.Any(m => m.CoveredPods.Any(pods.Contains) && MonitorSelection.WhyMonitorNotRead(snapshot, m.Monitor) is null);
            if (readElsewhere)
            {
                continue;
            }

            var templates = group.Where(w => w.NotYetCreated).ToList();
            if (templates.Count == group.Count())
            {
                reason = $"{reason}; its pods do not exist yet (read from {string.Join(", ", templates.Select(w => w.TemplateSource).Distinct())}) and would not be scraped";
            }

            context.Report(FindingCatalog.NamespaceNotMonitored.At(Subject.OfNamespace(group.Key),
                ("namespace", group.Key), ("detail", reason),
                ("workloads", MonitoringCheckInputs.List(group.Select(w => $"{w.RoleName} of {w.Owner}")))));
        }
    }
}
