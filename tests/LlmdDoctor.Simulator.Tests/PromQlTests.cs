using LlmdDoctor.Simulator.Monitoring;

namespace LlmdDoctor.Simulator.Tests;

public sealed class PromQlTests
{
    private static readonly List<PromSeries> Series =
    [
        S("vllm:num_requests_running", 2, ("namespace", "a"), ("pod", "p1"), ("model_name", "m")),
        S("vllm:num_requests_running", 3, ("namespace", "a"), ("pod", "p2"), ("model_name", "m")),
        S("kserve_vllm:num_requests_running", 5, ("namespace", "b"), ("pod", "p3"), ("model_name", "n")),
        S("up", 1, ("namespace", "a"), ("pod", "p1")),
        S("up", 0, ("namespace", "b"), ("pod", "p3")),
    ];

    private static PromValue Eval(string query) => new PromEvaluator(Series, DateTimeOffset.UnixEpoch).Evaluate(PromQlParser.Parse(query));

    [Theory]
    [InlineData("vllm:num_requests_running", 2)]
    [InlineData("vllm:num_requests_running{pod!=\"p1\"}", 1)]
    [InlineData("{__name__=~\"(kserve_)?vllm:.+\"}", 3)]
    [InlineData("{__name__=~\"vllm:.+\", namespace!~\"b|c\"}", 2)]
    [InlineData("up == 0", 1)]
    [InlineData("up{namespace=~\"a\"} > 0", 1)]
    [InlineData("absent(nothing{namespace=\"a\"})", 1)]
    [InlineData("absent(up)", 0)]
    [InlineData("rate(vllm:num_requests_running[5m])", 2)]
    [InlineData("count by (__name__, namespace, pod) ({__name__=~\"(kserve_)?vllm:.+\", namespace=~\"a|b\"})", 3)]
    [InlineData("vllm:num_requests_running and on(pod) up", 1)]
    [InlineData("vllm:num_requests_running unless on(pod) up", 1)]
    public void Selects_the_expected_number_of_series(string query, int count) => Assert.Equal(count, Eval(query).Vector.Count);

    [Fact]
    public void Aggregations_group_by_before_or_after_the_argument()
    {
        Assert.Equal(5, Assert.Single(Eval("sum by (model_name) (vllm:num_requests_running)").Vector).Value);
        Assert.Equal(2.5, Assert.Single(Eval("avg(vllm:num_requests_running) by (namespace)").Vector).Value);
        Assert.Equal(3, Assert.Single(Eval("max without (pod) (vllm:num_requests_running)").Vector).Value);
        Assert.Equal(2, Assert.Single(Eval("count(vllm:num_requests_running)").Vector).Value);
        Assert.Equal("p2", Assert.Single(Eval("topk(1, vllm:num_requests_running)").Vector).Labels["pod"]);
        Assert.Equal(1, Eval("vector(1)").Vector.Single().Value);
        Assert.Equal(7, Eval("1 + 2 * 3").Scalar);
        Assert.Equal(0.5, Eval("sum(up) / count(up)").Vector.Single().Value);
    }

    [Fact]
    public void Histogram_quantile_picks_the_bucket_that_reaches_the_quantile()
    {
        var buckets = new List<PromSeries>
        {
            S("h_bucket", 10, ("le", "0.1")),
            S("h_bucket", 90, ("le", "0.5")),
            S("h_bucket", 100, ("le", "+Inf")),
        };
        var value = new PromEvaluator(buckets, DateTimeOffset.UnixEpoch).Evaluate(PromQlParser.Parse("histogram_quantile(0.9, sum(rate(h_bucket[5m])) by (le))"));
        Assert.Equal(0.5, Assert.Single(value.Vector).Value);
    }

    [Theory]
    [InlineData("sum(")]
    [InlineData("{}")]
    [InlineData("up{namespace=}")]
    [InlineData("up )")]
    public void Bad_queries_raise_a_parse_error(string query) => Assert.Throws<PromQlException>(() => PromQlParser.Parse(query));

    private static PromSeries S(string name, double value, params (string Key, string Value)[] labels)
    {
        var map = labels.ToDictionary(l => l.Key, l => l.Value);
        map["__name__"] = name;
        return new PromSeries(map, value);
    }
}
