using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0508: vLLM pods request <c>nvidia.com/gpu</c> but no DCGM exporter series (<c>DCGM_FI_DEV_GPU_UTIL</c>)
/// name their nodes in the <c>Hostname</c>, <c>node</c>, <c>kubernetes_node</c> or <c>instance</c> label.
/// </summary>
public sealed class GpuMetricsAbsentCheck : ICheck
{
    public const string GpuResource = "nvidia.com/gpu";
    private static readonly string[] NodeLabels = ["Hostname", "node", "kubernetes_node", "instance", "exported_instance"];

    public string Name => "monitoring.GpuMetrics";
    public string Description => "nodes running GPU vLLM pods have DCGM exporter series";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Prometheus, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GpuMetricsAbsent];

    public void Run(CheckContext context)
    {
        var facts = MonitoringCheckInputs.Prometheus(context);
        if (facts.GpuSeries is not { } gpu)
        {
            if (ServingWorkloads.Find(context.Cluster).Any(w => w.Role == WorkloadRole.Vllm && w.Pods.Any(RequestsGpu)))
            {
                context.Skip($"DCGM series were not queried from {facts.Source} (a tenancy port answers for one namespace only, or the query failed)");
            }

            return;
        }

        var seen = gpu.SelectMany(s => NodeLabels.Select(s.Label)).Where(v => v.Length > 0)
            .Select(v => v.Split(':')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var workload in ServingWorkloads.Find(context.Cluster).Where(w => w.Role == WorkloadRole.Vllm))
        {
            var nodes = workload.Pods.Where(RequestsGpu).Select(p => p.Spec.NodeName).OfType<string>()
                .Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var missing = nodes.Where(n => !seen.Contains(n) && !seen.Contains(n.Split('.')[0])).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var detail = gpu.Count == 0
                ? $"{MetricFamilies.GpuUtilization} has no series at all in {facts.Source}: is the GPU Operator's dcgm-exporter ServiceMonitor enabled and scraped?"
                : $"{MetricFamilies.GpuUtilization} has series only for {MonitoringCheckInputs.List(seen.Order(StringComparer.Ordinal), 5)}";
            context.Report(FindingCatalog.GpuMetricsAbsent.At(workload.Subject,
                ("owner", workload.Owner), ("nodes", string.Join(", ", missing)), ("detail", detail)));
        }
    }

    private static bool RequestsGpu(Pod pod) => pod.Spec.Containers.Any(c =>
        Positive(c.Resources.Requests) || Positive(c.Resources.Limits));

    private static bool Positive(Dictionary<string, string> resources) =>
        resources.TryGetValue(GpuResource, out var value)
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;
}
