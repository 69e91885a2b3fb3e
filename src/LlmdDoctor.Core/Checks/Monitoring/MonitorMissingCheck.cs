using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0503: no ServiceMonitor or PodMonitor that a Prometheus reads actually reaches the vLLM or EPP pods of a
/// model (selector, namespaceSelector and port all matched). Namespaces no Prometheus watches are LLMD0502's.
/// A Deployment, StatefulSet or LeaderWorkerSet without pods yet (applied manifests) is judged by its pod templates:
/// those pods would not be scraped.
/// </summary>
public sealed class MonitorMissingCheck : ICheck
{
    public string Name => "monitoring.MonitorCoverage";
    public string Description => "a ServiceMonitor or PodMonitor reaches the vLLM and Endpoint Picker pods of every model";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Pods, CheckInput.Services, CheckInput.Monitors];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.MonitorMissing];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var coverage = CoveragePods.WithTemplates(snapshot);
        var matches = MonitorRef.All(snapshot).Select(m => MonitorTargets.Match(snapshot, m, coverage)).ToList();
        foreach (var workload in ServingWorkloads.Find(snapshot, coverage))
        {
            if (MonitorSelection.WhyNamespaceNotMonitored(snapshot, workload.Namespace) is not null)
            {
                continue;
            }

            var covering = matches.Where(m => m.CoveredPods.Any(workload.Pods.Contains)).ToList();
            var unread = covering.Select(m => MonitorSelection.WhyMonitorNotRead(snapshot, m.Monitor)).ToList();
            if (unread.Any(reason => reason is null))
            {
                continue;
            }

            var detail = covering.Count > 0
                ? string.Join("; ", unread)
                : Expected(workload, matches);
            if (workload.NotYetCreated)
            {
                detail = $"these pods do not exist yet (read from {workload.TemplateSource}) and would not be scraped: {detail}";
            }

            context.Report(FindingCatalog.MonitorMissing.At(workload.Subject,
                ("target", workload.RoleName), ("owner", workload.Owner), ("detail", detail),
                ("pods", MonitoringCheckInputs.List(workload.Pods.Select(p => p.Metadata.Name)))));
        }
    }

    private static string Expected(ServingWorkload workload, List<MonitorMatch> matches)
    {
        var inNamespace = matches.Where(m => m.Monitor.Metadata.Ns == workload.Namespace).Select(m => $"{m.Monitor.KindName} {m.Monitor.Metadata.Name}").ToList();
        var kserve = workload.Role == WorkloadRole.Vllm ? "PodMonitor kserve-llm-isvc-vllm-engine" : "ServiceMonitor kserve-llm-isvc-scheduler";
        var hint = workload.OwnerKind == "LLMInferenceService" ? $"; KServe normally creates {kserve} in {workload.Namespace}" : "";
        return inNamespace.Count == 0
            ? $"there is no monitor in namespace {workload.Namespace}{hint}"
            : $"none of {MonitoringCheckInputs.List(inNamespace)} reaches these pods{hint}";
    }
}
