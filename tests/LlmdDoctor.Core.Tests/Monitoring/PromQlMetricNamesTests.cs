using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Tests.Monitoring;

public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("vllm:num_requests_running", "vllm:num_requests_running")]
    [InlineData("sum(rate(kserve_vllm:prompt_tokens_total{model_name=~\"$model\"}[$__rate_interval])) by (model_name)", "kserve_vllm:prompt_tokens_total")]
    [InlineData("sum by (namespace, pod) (vllm:num_requests_waiting) / on (pod) group_left(node) kube_pod_info", "vllm:num_requests_waiting,kube_pod_info")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))", "vllm:e2e_request_latency_seconds_bucket")]
    [InlineData("{__name__=\"inference_pool_ready_pods\", name=\"qwen\"} offset 5m", "inference_pool_ready_pods")]
    [InlineData("up{job=\"vllm\"} == 0 and on() vector(1) unless absent(foo_bar)", "up,foo_bar")]
    [InlineData("label_replace(vllm:x, \"dst\", \"$1\", \"src\", \"(.*)\") > bool 1e3", "vllm:x")]
    [InlineData("count_values without (instance) (\"version\", build_info)", "build_info")]
    [InlineData("", "")]
    [InlineData("sum(", "")]
    public void Extracts_metric_names_only(string expr, string expected)
    {
        var want = expected.Length == 0 ? [] : expected.Split(',');
        Assert.Equal(want, PromQlMetricNames.Extract(expr));
    }
}
