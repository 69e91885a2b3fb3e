using System.Globalization;

namespace LlmdDoctor.Simulator.Monitoring;

/// <summary>One series of the in-memory set (labels include <c>__name__</c>) at the simulator's single instant.</summary>
internal sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Name => Labels.TryGetValue("__name__", out var n) ? n : "";

    public PromSeries WithoutName() =>
        Labels.ContainsKey("__name__") ? new PromSeries(Labels.Where(kv => kv.Key != "__name__").ToDictionary(), Value) : this;
}

/// <summary>The result of evaluating an expression: a scalar, or an instant vector.</summary>
internal sealed record PromValue(double? Scalar, IReadOnlyList<PromSeries> Vector)
{
    public static PromValue Of(double scalar) => new(scalar, []);

    public static PromValue Of(IReadOnlyList<PromSeries> vector) => new(null, vector);
}

/// <summary>
/// Evaluates the parsed PromQL subset over an in-memory series set at one instant. Approximations (documented in
/// the simulator README): range vectors hold one point, so <c>rate</c>, <c>irate</c>, <c>increase</c>, <c>delta</c> and
/// every <c>*_over_time</c> pass the selected series through (dropping the metric name, as Prometheus does);
/// <c>histogram_quantile</c> picks the first bucket whose cumulative count reaches the quantile; <c>topk</c>/<c>bottomk</c>
/// keep k series per group; <c>quantile</c>/<c>count_values</c>/<c>stddev</c> approximate; unknown functions pass their
/// first vector argument through; <c>group_left</c>/<c>group_right</c> are treated as one-to-one matching.
/// </summary>
internal sealed class PromEvaluator(IReadOnlyList<PromSeries> series, DateTimeOffset now)
{
    public PromValue Evaluate(PromExpr expr) => expr switch
    {
        NumberExpr n => PromValue.Of(n.Value),
        StringExpr s => throw new PromQlException($"string literal \"{s.Value}\" is not a valid expression here"),
        SelectorExpr s => PromValue.Of([.. series.Where(x => s.Matchers.All(m => m.Matches(x.Labels)))]),
        NegateExpr n => Map(Evaluate(n.Inner), v => -v, dropName: true),
        CallExpr c => Call(c),
        AggregateExpr a => Aggregate(a),
        BinaryExpr b => Binary(b),
        _ => throw new PromQlException("unsupported expression"),
    };

    private PromValue Call(CallExpr call)
    {
        PromValue Arg(int i) => i < call.Args.Count ? Evaluate(call.Args[i]) : throw new PromQlException($"expected at least {i + 1} argument(s) in call to \"{call.Function}\"");
        double Number(int i) => Arg(i).Scalar ?? throw new PromQlException($"expected type scalar in call to function \"{call.Function}\"");
        switch (call.Function)
        {
            case "vector":
                return PromValue.Of([new PromSeries(new Dictionary<string, string>(), Number(0))]);
            case "scalar":
                var v = Arg(0).Vector;
                return PromValue.Of(v.Count == 1 ? v[0].Value : double.NaN);
            case "time":
                return PromValue.Of(now.ToUnixTimeMilliseconds() / 1000.0);
            case "absent":
                return PromValue.Of(Arg(0).Vector.Count == 0 ? [new PromSeries(AbsentLabels(call.Args[0]), 1)] : []);
            case "histogram_quantile":
                return HistogramQuantile(Number(0), Arg(1).Vector);
            case "abs":
                return Map(Arg(0), Math.Abs, dropName: true);
            case "ceil":
                return Map(Arg(0), Math.Ceiling, dropName: true);
            case "floor":
                return Map(Arg(0), Math.Floor, dropName: true);
            case "round":
                return Map(Arg(0), Math.Round, dropName: true);
            case "clamp_min":
                var min = Number(1);
                return Map(Arg(0), x => Math.Max(x, min), dropName: true);
            case "clamp_max":
                var max = Number(1);
                return Map(Arg(0), x => Math.Min(x, max), dropName: true);
            case "sort" or "sort_desc" or "label_replace" or "label_join" or "last_over_time" or "timestamp":
                return Arg(0);
            default:
                // rate, irate, increase, delta, deriv, *_over_time, predict_linear, …: one point per series, so the
                // selection passes through without its metric name.
                var first = call.Args.Select(Evaluate).FirstOrDefault(a => a.Scalar is null) ?? PromValue.Of([]);
                return PromValue.Of([.. first.Vector.Select(s => s.WithoutName())]);
        }
    }

    private static Dictionary<string, string> AbsentLabels(PromExpr expr) =>
        expr is SelectorExpr s ? s.Matchers.Where(m => m.Op == "=" && m.Name != "__name__").ToDictionary(m => m.Name, m => m.Value) : [];

    private static PromValue HistogramQuantile(double q, IReadOnlyList<PromSeries> buckets)
    {
        var result = new List<PromSeries>();
        foreach (var group in buckets.GroupBy(b => Key(b.Labels, l => l is not ("le" or "__name__"))))
        {
            var ordered = group
                .Select(b => (Le: double.TryParse(b.Labels.GetValueOrDefault("le"), NumberStyles.Float, CultureInfo.InvariantCulture, out var le) ? le : double.NaN, b.Value))
                .Where(b => !double.IsNaN(b.Le)).OrderBy(b => b.Le).ToList();
            if (ordered.Count == 0)
            {
                continue;
            }

            var total = ordered[^1].Value;
            var value = total <= 0 ? double.NaN : ordered.First(b => b.Value >= q * total).Le;
            var labels = group.First().Labels.Where(kv => kv.Key is not ("le" or "__name__")).ToDictionary();
            result.Add(new PromSeries(labels, double.IsPositiveInfinity(value) && ordered.Count > 1 ? ordered[^2].Le : value));
        }

        return PromValue.Of(result);
    }

    private PromValue Aggregate(AggregateExpr a)
    {
        var input = Evaluate(a.Inner).Vector;
        var grouping = a.Grouping.ToHashSet(StringComparer.Ordinal);
        bool Keep(string label) => a.Without ? label != "__name__" && !grouping.Contains(label) : grouping.Contains(label);
        var k = a.Parameter is null ? 0 : (int)(Evaluate(a.Parameter).Scalar ?? 0);
        var result = new List<PromSeries>();
        foreach (var group in input.GroupBy(s => Key(s.Labels, Keep)))
        {
            var members = group.ToList();
            var labels = members[0].Labels.Where(kv => Keep(kv.Key)).ToDictionary();
            switch (a.Op)
            {
                case "topk" or "bottomk":
                    var ordered = a.Op == "topk" ? members.OrderByDescending(m => m.Value) : members.OrderBy(m => m.Value);
                    result.AddRange(ordered.Take(Math.Max(0, k)));
                    continue;
                case "count_values":
                    result.AddRange(members.GroupBy(m => m.Value).Select(g => new PromSeries(
                        new Dictionary<string, string>(labels) { [a.Parameter is StringExpr s ? s.Value : "value"] = g.Key.ToString(CultureInfo.InvariantCulture) }, g.Count())));
                    continue;
            }

            var values = members.Select(m => m.Value).ToList();
            var value = a.Op switch
            {
                "sum" => values.Sum(),
                "avg" => values.Average(),
                "min" => values.Min(),
                "max" => values.Max(),
                "count" => values.Count,
                "group" => 1,
                "stddev" or "stdvar" => 0,
                _ => values.Order().ElementAt(values.Count / 2),
            };
            result.Add(new PromSeries(labels, value));
        }

        return PromValue.Of(result);
    }

    private PromValue Binary(BinaryExpr b)
    {
        var left = Evaluate(b.Left);
        var right = Evaluate(b.Right);
        var comparison = b.Op is "==" or "!=" or ">" or "<" or ">=" or "<=";
        if (left.Scalar is { } ls && right.Scalar is { } rs)
        {
            return PromValue.Of(Apply(b.Op, ls, rs) is var r && comparison ? (r != 0 ? 1 : 0) : r);
        }

        if (b.Op is "and" or "or" or "unless")
        {
            var rightKeys = right.Vector.Select(s => MatchKey(s, b.On)).ToHashSet(StringComparer.Ordinal);
            return b.Op switch
            {
                "and" => PromValue.Of([.. left.Vector.Where(s => rightKeys.Contains(MatchKey(s, b.On)))]),
                "unless" => PromValue.Of([.. left.Vector.Where(s => !rightKeys.Contains(MatchKey(s, b.On)))]),
                _ => PromValue.Of([.. left.Vector, .. right.Vector.Where(s => !left.Vector.Select(l => MatchKey(l, b.On)).Contains(MatchKey(s, b.On)))]),
            };
        }

        IEnumerable<(PromSeries Series, double L, double R)> pairs;
        if (left.Scalar is { } scalarLeft)
        {
            pairs = right.Vector.Select(s => (s, scalarLeft, s.Value));
        }
        else if (right.Scalar is { } scalarRight)
        {
            pairs = left.Vector.Select(s => (s, s.Value, scalarRight));
        }
        else
        {
            var byKey = right.Vector.GroupBy(s => MatchKey(s, b.On)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            pairs = left.Vector.Where(s => byKey.ContainsKey(MatchKey(s, b.On))).Select(s => (s, s.Value, byKey[MatchKey(s, b.On)].Value));
        }

        var result = new List<PromSeries>();
        foreach (var (series, l, r) in pairs)
        {
            var value = Apply(b.Op, l, r);
            if (comparison && !b.Bool)
            {
                if (value != 0)
                {
                    result.Add(series);
                }

                continue;
            }

            result.Add(new PromSeries(series.WithoutName().Labels, comparison ? (value != 0 ? 1 : 0) : value));
        }

        return PromValue.Of(result);
    }

    private static double Apply(string op, double l, double r) => op switch
    {
        "+" => l + r,
        "-" => l - r,
        "*" => l * r,
        "/" => l / r,
        "%" => l % r,
        "^" => Math.Pow(l, r),
        "atan2" => Math.Atan2(l, r),
        "==" => l == r ? 1 : 0,
        "!=" => l != r ? 1 : 0,
        ">" => l > r ? 1 : 0,
        "<" => l < r ? 1 : 0,
        ">=" => l >= r ? 1 : 0,
        "<=" => l <= r ? 1 : 0,
        _ => throw new PromQlException($"unsupported operator {op}"),
    };

    private static PromValue Map(PromValue value, Func<double, double> f, bool dropName) =>
        value.Scalar is { } s ? PromValue.Of(f(s)) : PromValue.Of([.. value.Vector.Select(x => new PromSeries((dropName ? x.WithoutName() : x).Labels, f(x.Value)))]);

    private static string MatchKey(PromSeries s, IReadOnlyList<string>? on) =>
        Key(s.Labels, on is null ? l => l != "__name__" : on.Contains);

    private static string Key(IReadOnlyDictionary<string, string> labels, Func<string, bool> keep) =>
        string.Join('\u0001', labels.Where(kv => keep(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\u0002" + kv.Value));
}
