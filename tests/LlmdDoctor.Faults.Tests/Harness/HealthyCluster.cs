using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>
/// The simulator's <c>healthy</c> scenario (one gateway, one model, a reachable EPP), served by the simulator's API server
/// and the fake gateway: the baseline every fault is injected into, so a finding can only come from the fault.
/// </summary>
public static class HealthyCluster
{
    public const string GatewayKey = "openshift-ingress/openshift-ai-inference";
    public const string GatewayPod = "openshift-ai-inference-openshift-ai-inference-58d9f7c6b4-v7nqs";
    public const string Model = "Qwen/Qwen3-0.6B";
    public const string ApiPrefix = "/my-first-model/qwen3-0-6b";
    public const string EppHost = "qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    private static readonly Lazy<IReadOnlyList<JsonObject>> Bundle = new(Load);

    public static IReadOnlyList<JsonObject> Objects => Bundle.Value;

    public static string EnvoyDir => Path.Combine(Repository.ScenarioBundle("healthy"), "envoy", "openshift-ingress", GatewayPod);

    private static List<JsonObject> Load()
    {
        var result = new List<JsonObject>();
        var root = Repository.ScenarioBundle("healthy");
        foreach (var file in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.Contains("/envoy/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var doc in YamlJson.ParseDocuments(File.ReadAllText(file)).OfType<JsonObject>())
            {
                if ((string?)doc["kind"] == "List" && doc["items"] is JsonArray items)
                {
                    result.AddRange(items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
                }
                else
                {
                    result.Add(doc);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The gateway pod's Envoy admin, from the bundle's files: what every pod's port answers through port-forward
    /// (as before: the cases only port-forward to the gateway pod's admin port); 404 for any other path.
    /// </summary>
    internal static byte[] EnvoyAdmin(string ns, string pod, int port, string requestLine)
    {
        var path = requestLine.Split(' ') is [_, var p, ..] ? p : "/";
        var file = path switch
        {
            "/config_dump" => "config_dump.json",
            "/stats" => "stats.txt",
            "/clusters" => "clusters.txt",
            "/server_info" => "server_info.json",
            _ => null,
        };
        return file is null ? PodPortAnswer.Http(404, "").Raw! : PodPortAnswer.Ok(File.ReadAllBytes(Path.Combine(EnvoyDir, file))).Raw!;
    }

    /// <summary>A vLLM behind a working gateway and EPP: lists the model, answers chat and completions, with the picker's header.</summary>
    public static Task HealthyGateway(RawRequest request, Stream stream, CancellationToken ct)
    {
        const string picker = "x-went-into-resp-headers: true\r\nx-gateway-destination-endpoint: 10.128.2.17:8000\r\n";
        if (request.Path.EndsWith("/v1/models", StringComparison.Ordinal))
        {
            return RawHttp.WriteAsync(stream, 200, $$"""{"object":"list","data":[{"id":"{{Model}}","object":"model","owned_by":"vllm","max_model_len":4096}]}""", ct: ct);
        }

        if (request.Path.EndsWith("/v1/chat/completions", StringComparison.Ordinal))
        {
            return RawHttp.WriteAsync(stream, 200,
                $$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"{{{Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
                extraHeaders: picker, ct: ct);
        }

        if (request.Path.EndsWith("/v1/completions", StringComparison.Ordinal))
        {
            return RawHttp.WriteAsync(stream, 200,
                $$$"""{"id":"cmpl-1","object":"text_completion","created":1,"model":"{{{Model}}}","choices":[{"index":0,"text":"ok","finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
                extraHeaders: picker, ct: ct);
        }

        return RawHttp.WriteAsync(stream, 404, "route not found", "text/plain", ct: ct);
    }

    /// <summary>A Prometheus API that answers every query with an empty vector and no rules.</summary>
    public static Task HealthyPrometheus(RawRequest request, Stream stream, CancellationToken ct) =>
        request.Path.Contains("/api/v1/rules", StringComparison.Ordinal)
            ? RawHttp.WriteAsync(stream, 200, """{"status":"success","data":{"groups":[]}}""", ct: ct)
            : RawHttp.WriteAsync(stream, 200, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}""", ct: ct);

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
