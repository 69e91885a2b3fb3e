namespace LlmdDoctor.Core.Monitoring;

/// <summary>One sample of an instant vector: its labels (including <c>__name__</c> when kept) and value.</summary>
public sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
}

/// <summary>What Prometheus/Thanos answered for the model namespaces.</summary>
public sealed record PrometheusFacts
{
    /// <summary>Where the series came from, e.g. <c>Thanos Querier https://thanos-querier.openshift-monitoring.svc:9091</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>The namespaces the queries covered.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary><c>up</c> samples in those namespaces (labels job, namespace, pod, instance, service).</summary>
    public IReadOnlyList<PromSample> Up { get; init; } = [];

    /// <summary>
    /// vLLM and EPP series counted by <c>__name__</c>, <c>namespace</c> and <c>pod</c> (both the plain and the
    /// <c>kserve_</c>-renamed families).
    /// </summary>
    public IReadOnlyList<PromSample> WorkloadSeries { get; init; } = [];

    /// <summary>DCGM exporter GPU series counted by their node-naming labels; null when not queried.</summary>
    public IReadOnlyList<PromSample>? GpuSeries { get; init; }

    /// <summary>Rule groups loaded where rules are evaluated; null when the rules API was not read.</summary>
    public RulesFact? Rules { get; init; }

    /// <summary>Dashboard panel queries evaluated against the datasource.</summary>
    public IReadOnlyList<DashboardQueryFact> DashboardQueries { get; init; } = [];
}

/// <summary>The rule groups one evaluator (Prometheus, or Thanos via tenancy-rules per namespace) has loaded.</summary>
public sealed record RulesFact(string Evaluator, IReadOnlyList<LoadedRuleGroup> Groups);

/// <summary>A loaded rule group: its name, the file it came from (Prometheus Operator: <c>&lt;ns&gt;-&lt;rule&gt;-&lt;uid&gt;.yaml</c>) and its rule names.</summary>
public sealed record LoadedRuleGroup(string Name, string File, IReadOnlyList<string> Rules, string Namespace = "");

/// <summary>How one dashboard panel query fared.</summary>
public enum DashboardQueryOutcome
{
    Series,
    Empty,
    Error,

    /// <summary>The query uses template variables the doctor cannot substitute.</summary>
    NotEvaluated,
}

/// <summary>One panel query of one dashboard, as sent (after variable substitution) and what came back.</summary>
public sealed record DashboardQueryFact(
    string DashboardKind,
    string DashboardNamespace,
    string Dashboard,
    string Panel,
    string Expr,
    DashboardQueryOutcome Outcome,
    int SeriesCount,
    string Detail);
