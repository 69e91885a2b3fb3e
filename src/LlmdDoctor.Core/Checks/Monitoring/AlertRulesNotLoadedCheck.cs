using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0702: a PrometheusRule of the doctor or of llm-d (its exprs read vLLM/EPP series, or it lives in a model
/// namespace) has groups the rule evaluator did not load (<c>/api/v1/rules</c>, or Thanos Querier tenancy-rules
/// 9093 per namespace on OpenShift). Prometheus Operator names rule files <c>&lt;ns&gt;-&lt;rule&gt;-&lt;uid&gt;.yaml</c>.
/// </summary>
public sealed class AlertRulesNotLoadedCheck : ICheck
{
    /// <summary>OpenShift: rules with this label are evaluated by the UWM Prometheus, all others by the UWM Thanos Ruler.</summary>
    public const string EvaluationScopeLabel = "openshift.io/prometheus-rule-evaluation-scope";

    public string Name => "alerting.RulesLoaded";
    public string Description => "the doctor's and llm-d's PrometheusRules are loaded where they are evaluated";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Prometheus, CheckInput.PrometheusRules];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.AlertRulesNotLoaded];

    public void Run(CheckContext context)
    {
        var facts = MonitoringCheckInputs.Prometheus(context);
        if (facts.Rules is not { } rules)
        {
            context.Skip("the rules API did not answer (see LLMD0601/0602/0603 for the rules endpoint)");
            return;
        }

        var snapshot = context.Cluster;
        var modelNamespaces = ServingWorkloads.Find(snapshot).Select(w => w.Namespace).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in snapshot.PrometheusRules.Where(r => IsDoctors(r) || IsLlmd(r, modelNamespaces)))
        {
            var missing = rule.Spec.Groups.Where(g => !rules.Groups.Any(l => l.Name == g.Name && Belongs(l, rule))).Select(g => g.Name).ToList();
            if (missing.Count == 0)
            {
                continue;
            }

            var why = new List<string> { $"group(s) {MonitoringCheckInputs.List(missing)} not among the {rules.Groups.Count} loaded" };
            if (MonitorSelection.WhyRuleNotSelected(snapshot, rule) is { } notSelected)
            {
                why.Add(notSelected);
            }

            if (MonitorSelection.IsOpenShift(snapshot))
            {
                why.Add(MonitorSelection.WhyNamespaceNotMonitored(snapshot, rule.Metadata.Ns)
                    ?? (rule.Metadata.Labels.TryGetValue(EvaluationScopeLabel, out var scope) && scope == "leaf-prometheus"
                        ? "it is labelled for the User Workload Prometheus (leaf-prometheus)"
                        : "it is evaluated by the User Workload Thanos Ruler"));
            }

            context.Report(FindingCatalog.AlertRulesNotLoaded.At(
                new Subject("monitoring.coreos.com", "PrometheusRule", rule.Metadata.Ns, rule.Metadata.Name),
                ("rule", rule.Metadata.Key), ("evaluator", rules.Evaluator), ("detail", string.Join("; ", why))));
        }
    }

    private static bool Belongs(LoadedRuleGroup loaded, PrometheusRule rule) =>
        loaded.Namespace == rule.Metadata.Ns
        || loaded.File.Contains($"{rule.Metadata.Ns}-{rule.Metadata.Name}", StringComparison.Ordinal)
        || (loaded.Namespace.Length == 0 && loaded.File.Length == 0);

    private static bool IsDoctors(PrometheusRule rule) =>
        rule.Metadata.Name.StartsWith("llmd-doctor", StringComparison.Ordinal)
        || rule.Spec.Groups.SelectMany(g => g.Rules).Any(e => e.Alert?.StartsWith("LlmdDoctor", StringComparison.Ordinal) == true);

    private static bool IsLlmd(PrometheusRule rule, HashSet<string> modelNamespaces) =>
        modelNamespaces.Contains(rule.Metadata.Ns)
        || rule.Spec.Groups.SelectMany(g => g.Rules).SelectMany(e => PromQlMetricNames.Extract(e.Expr)).Any(n => MetricFamilies.FamilyOf(n) != MetricFamily.None);
}
