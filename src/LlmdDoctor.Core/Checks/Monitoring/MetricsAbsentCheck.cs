using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0506: a model's ready vLLM or EPP pods have no series of their family at all (neither <c>vllm:</c> nor
/// <c>kserve_vllm:</c>; neither <c>inference_*</c> nor <c>kserve_inference_*</c>) in Prometheus/Thanos.
/// </summary>
public sealed class MetricsAbsentCheck : ICheck
{
    public string Name => "monitoring.MetricsPresent";
    public string Description => "Prometheus has vLLM and Endpoint Picker series for every model's ready pods";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Prometheus, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.MetricsAbsent];

    public void Run(CheckContext context)
    {
        var facts = MonitoringCheckInputs.Prometheus(context);
        foreach (var workload in ServingWorkloads.Find(context.Cluster))
        {
            var ready = workload.Pods.Where(p => p.IsReady).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            if (ready.Count == 0)
            {
                continue;
            }

            bool Mine(PromSample s) => s.Label("namespace") == workload.Namespace && ready.Contains(s.Label("pod"));
            if (facts.WorkloadSeries.Any(s => Mine(s) && MetricFamilies.FamilyOf(s.Label("__name__")) == workload.Family))
            {
                continue;
            }

            var up = facts.Up.Where(Mine).ToList();
            var why = up.Count == 0
                ? "Prometheus has no scrape target for these pods"
                : up.All(s => s.Value == 0)
                    ? "their scrape targets are down (see LLMD0505)"
                    : "their targets are scraped but expose no such series";
            var spelling = $"{MetricFamilies.Spelling(workload.Family, false)}* / {MetricFamilies.Spelling(workload.Family, true)}*";
            context.Report(FindingCatalog.MetricsAbsent.At(workload.Subject,
                ("family", MetricFamilies.Describe(workload.Family)), ("owner", workload.Owner),
                ("detail", $"no {spelling} series for pod(s) {MonitoringCheckInputs.List(ready.Order(StringComparer.Ordinal))} in {facts.Source}: {why}")));
        }
    }
}
