using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0504: a monitor on the model path (KServe's, or one in or pointed at a model namespace) reaches no target:
/// its selector matches nothing, its namespaceSelector looks elsewhere, or its port is not a Service port name
/// (ServiceMonitor) / container port (PodMonitor). Deployments, StatefulSets and LeaderWorkerSets without pods yet count
/// by their pod templates.
/// </summary>
public sealed class MonitorSelectsNothingCheck : ICheck
{
    public string Name => "monitoring.MonitorSelection";
    public string Description => "ServiceMonitors and PodMonitors on the model path select at least one Service/Pod port";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Pods, CheckInput.Services, CheckInput.Monitors];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.MonitorSelectsNothing];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var coverage = CoveragePods.WithTemplates(snapshot);
        var workloads = ServingWorkloads.Find(snapshot, coverage);
        var modelNamespaces = workloads.Select(w => w.Namespace).ToHashSet(StringComparer.Ordinal);
        foreach (var monitor in MonitorRef.All(snapshot))
        {
            var relevant = monitor.IsKServe
                || modelNamespaces.Contains(monitor.Metadata.Ns)
                || (monitor.NamespaceSelector?.MatchNames.Any(modelNamespaces.Contains) ?? false);
            if (!relevant)
            {
                continue;
            }

            var match = MonitorTargets.Match(snapshot, monitor, coverage);
            if (match.SelectsNothing)
            {
                var pending = workloads.Where(w => w.NotYetCreated && monitor.LooksIn(w.Namespace)).ToList();
                var detail = pending.Count == 0
                    ? match.Problem
                    : $"{match.Problem} (the pods of {MonitoringCheckInputs.List(pending.Select(w => w.Owner).Distinct())} do not exist yet: judged from {MonitoringCheckInputs.List(pending.SelectMany(w => w.Templates!).Distinct().Select(t => "the pod template of " + t))}, they would not be scraped)";
                context.Report(FindingCatalog.MonitorSelectsNothing.At(monitor.Subject,
                    ("monitorKind", monitor.KindName), ("monitor", monitor.Key), ("detail", detail)));
            }
        }
    }
}
