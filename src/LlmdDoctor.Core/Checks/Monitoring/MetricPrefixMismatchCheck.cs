using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0507: dashboards or PrometheusRules query <c>vllm:</c>/<c>inference_*</c> while the cluster's series are
/// <c>kserve_</c>-prefixed (KServe's monitors rename them), or the reverse. What is "present" comes from
/// Prometheus when it answered, else from what the monitors' metricRelabelings would produce.
/// </summary>
public sealed class MetricPrefixMismatchCheck : ICheck
{
    public string Name => "monitoring.MetricPrefix";
    public string Description => "dashboards and rules spell vLLM/EPP metric names the way the series are named (vllm: vs kserve_vllm:)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Monitors];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.MetricPrefixMismatch];

    public void Run(CheckContext context)
    {
        var (present, basis) = Present(context);
        if (present.Count == 0)
        {
            return;
        }

        var sources = DashboardQueries.Find(context.Cluster)
            .Select(d => (d.Subject, Exprs: d.Queries.Select(q => q.Expr).ToList()))
            .Concat(context.Cluster.PrometheusRules.Select(r => (
                Subject: new Subject("monitoring.coreos.com", "PrometheusRule", r.Metadata.Ns, r.Metadata.Name),
                Exprs: r.Spec.Groups.SelectMany(g => g.Rules).Select(e => e.Expr).ToList())));
        foreach (var (subject, exprs) in sources)
        {
            var wrong = exprs.SelectMany(PromQlMetricNames.Extract).Distinct(StringComparer.Ordinal)
                .Where(name => MetricFamilies.FamilyOf(name) is var family && family != MetricFamily.None
                    && present.TryGetValue(family, out var spellings)
                    && !spellings.Contains(MetricFamilies.HasKServePrefix(name)))
                .ToList();
            if (wrong.Count == 0)
            {
                continue;
            }

            var respelled = wrong.Select(n => MetricFamilies.HasKServePrefix(n) ? MetricFamilies.StripPrefix(n) : MetricFamilies.KServePrefix + n);
            context.Report(FindingCatalog.MetricPrefixMismatch.At(subject,
                ("source", subject.ToString()), ("queried", MonitoringCheckInputs.List(wrong)),
                ("present", MonitoringCheckInputs.List(respelled)), ("detail", basis), ("basis", basis)));
        }
    }

    /// <summary>Per family, which spellings exist (true = kserve_-prefixed), and how that was learned.</summary>
    private static (Dictionary<MetricFamily, HashSet<bool>> Present, string Basis) Present(CheckContext context)
    {
        var present = new Dictionary<MetricFamily, HashSet<bool>>();
        void Add(MetricFamily family, bool prefixed)
        {
            if (!present.TryGetValue(family, out var set))
            {
                present[family] = set = [];
            }

            set.Add(prefixed);
        }

        if (context.Inputs.StateOf(CheckInput.Prometheus).Status == InputStatus.Available && context.Inputs.Monitoring.Prometheus is { } facts)
        {
            foreach (var name in facts.WorkloadSeries.Select(s => s.Label("__name__")))
            {
                if (MetricFamilies.FamilyOf(name) is var family && family != MetricFamily.None)
                {
                    Add(family, MetricFamilies.HasKServePrefix(name));
                }
            }

            return (present, $"series seen in {facts.Source}");
        }

        var snapshot = context.Cluster;
        var matches = MonitorRef.All(snapshot).Select(m => MonitorTargets.Match(snapshot, m)).ToList();
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var workload in ServingWorkloads.Find(snapshot))
        {
            foreach (var match in matches.Where(m => m.CoveredPods.Any(workload.Pods.Contains)))
            {
                Add(workload.Family, match.Monitor.RenamesToKServe);
                used.Add($"{match.Monitor.KindName} {match.Monitor.Key}{(match.Monitor.RenamesToKServe ? " (renames to kserve_$1)" : "")}");
            }
        }

        var why = context.Inputs.StateOf(CheckInput.Prometheus).Reason;
        return (present, $"predicted from the metricRelabelings of {MonitoringCheckInputs.List(used, 4)}; no Prometheus answered ({why})");
    }
}
