using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Monitoring;

/// <summary>
/// The series a scenario's Prometheus holds, as the KServe monitors would produce them (domain-facts §4):
/// per vLLM pod the <c>vllm:</c> families (PodMonitor kserve-llm-isvc-vllm-engine, job <c>&lt;ns&gt;/&lt;podmonitor&gt;</c>),
/// per EPP pod the <c>inference_*</c> families (ServiceMonitor kserve-llm-isvc-scheduler), renamed <c>kserve_$1</c> when
/// <c>behaviour.metrics.prefix</c> says kserve_vllm (both names for <c>both</c>), <c>up</c> per target (never renamed:
/// metricRelabelings do not touch the synthetic <c>up</c>), and DCGM GPU series per GPU node.
/// </summary>
internal static class SimulatedSeries
{
    public static List<PromSeries> Build(ClusterModel cluster, MetricsBehaviour metrics,
        IEnumerable<(JsonObject Pod, string Model)> vllmPods, IEnumerable<(JsonObject Pod, string Pool)> eppPods)
    {
        var series = new List<PromSeries>();
        var up = metrics.TargetsUp ? 1.0 : 0.0;
        foreach (var (pod, model) in vllmPods)
        {
            var ns = ClusterModel.Ns(pod);
            var name = ClusterModel.Name(pod);
            var target = new Dictionary<string, string>
            {
                ["namespace"] = ns,
                ["pod"] = name,
                ["instance"] = $"{ClusterModel.PodIp(pod) ?? "10.0.0.1"}:8000",
                ["job"] = $"{ns}/kserve-llm-isvc-vllm-engine",
                ["endpoint"] = "8000",
                ["container"] = "main",
            };
            series.Add(new PromSeries(new Dictionary<string, string>(target) { ["__name__"] = "up" }, up));
            if (!metrics.TargetsUp)
            {
                continue;
            }

            var labels = new Dictionary<string, string>(target)
            {
                ["model_name"] = model,
                ["engine"] = "0",
                ["llm_isvc_name"] = ClusterModel.Label(pod, "app.kubernetes.io/name") ?? "",
                ["llm_isvc_role"] = ClusterModel.Label(pod, "llm-d.ai/role") ?? "decode",
                ["llm_isvc_component"] = (ClusterModel.Label(pod, "app.kubernetes.io/component") ?? "").Replace("llminferenceservice-", "", StringComparison.Ordinal),
            };
            AddFamily(series, metrics, labels, "vllm:num_requests_running", 0);
            AddFamily(series, metrics, labels, "vllm:num_requests_waiting", 0);
            AddFamily(series, metrics, labels, "vllm:kv_cache_usage_perc", 0.02);
            AddFamily(series, metrics, labels, "vllm:prompt_tokens_total", 1840);
            AddFamily(series, metrics, labels, "vllm:generation_tokens_total", 5120);
            AddFamily(series, metrics, labels, "vllm:prefix_cache_queries_total", 1840);
            AddFamily(series, metrics, labels, "vllm:prefix_cache_hits_total", 920);
            AddFamily(series, metrics, new Dictionary<string, string>(labels) { ["finished_reason"] = "stop" }, "vllm:request_success_total", 57);
            var cumulative = 0;
            foreach (var le in new[] { "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "1.0", "+Inf" })
            {
                cumulative = le switch { "0.001" or "0.005" => 0, "0.01" => 3, "0.02" => 20, "0.04" => 45, _ => 57 };
                AddFamily(series, metrics, new Dictionary<string, string>(labels) { ["le"] = le }, "vllm:time_to_first_token_seconds_bucket", cumulative);
            }

            AddFamily(series, metrics, labels, "vllm:time_to_first_token_seconds_count", cumulative);
            AddFamily(series, metrics, labels, "vllm:time_to_first_token_seconds_sum", 1.31);
        }

        foreach (var (pod, pool) in eppPods)
        {
            var ns = ClusterModel.Ns(pod);
            var target = new Dictionary<string, string>
            {
                ["namespace"] = ns,
                ["pod"] = ClusterModel.Name(pod),
                ["instance"] = $"{ClusterModel.PodIp(pod) ?? "10.0.0.2"}:9090",
                ["job"] = $"{pool.Replace("-inference-pool", "", StringComparison.Ordinal)}-epp-service",
                ["endpoint"] = "metrics",
                ["service"] = $"{pool.Replace("-inference-pool", "", StringComparison.Ordinal)}-epp-service",
            };
            series.Add(new PromSeries(new Dictionary<string, string>(target) { ["__name__"] = "up" }, up));
            if (!metrics.TargetsUp)
            {
                continue;
            }

            var poolLabels = new Dictionary<string, string>(target) { ["name"] = pool };
            AddFamily(series, metrics, poolLabels, "inference_pool_ready_pods", 1);
            AddFamily(series, metrics, poolLabels, "inference_pool_average_kv_cache_utilization", 0.02);
            AddFamily(series, metrics, poolLabels, "inference_pool_average_queue_size", 0);
            AddFamily(series, metrics, new Dictionary<string, string>(target) { ["commit"] = "v0.2.0", ["build_ref"] = "" }, "inference_extension_info", 1);
        }

        if (metrics.Dcgm)
        {
            var nodes = vllmPods.Select(p => (string?)p.Pod["spec"]?["nodeName"]).OfType<string>().Distinct(StringComparer.Ordinal);
            var gpu = 0;
            foreach (var node in nodes)
            {
                series.Add(new PromSeries(new Dictionary<string, string>
                {
                    ["__name__"] = "DCGM_FI_DEV_GPU_UTIL",
                    ["gpu"] = "0",
                    ["UUID"] = $"GPU-{Guid.NewGuid()}",
                    ["modelName"] = "NVIDIA L4",
                    ["Hostname"] = node,
                    ["namespace"] = "nvidia-gpu-operator",
                    ["pod"] = $"nvidia-dcgm-exporter-{(char)('a' + gpu++)}x7k2",
                    ["instance"] = $"10.0.{gpu}.5:9400",
                    ["job"] = "nvidia-dcgm-exporter",
                }, 3));
            }
        }

        return series;
    }

    private static void AddFamily(List<PromSeries> series, MetricsBehaviour metrics, Dictionary<string, string> labels, string name, double value)
    {
        if (metrics.Plain)
        {
            series.Add(new PromSeries(new Dictionary<string, string>(labels) { ["__name__"] = name }, value));
        }

        if (metrics.Renamed)
        {
            series.Add(new PromSeries(new Dictionary<string, string>(labels) { ["__name__"] = "kserve_" + name }, value));
        }
    }

    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
}
