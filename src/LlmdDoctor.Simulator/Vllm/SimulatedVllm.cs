using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Vllm;

/// <summary>
/// One simulated vLLM pod (OpenAI-compatible server, domain-facts §4): <c>GET /v1/models</c>, <c>POST
/// /v1/chat/completions</c> and <c>/v1/completions</c> with a tiny fixed answer (max_tokens honoured), FastAPI's
/// 400 "Field required" for a missing body and the 404 NotFoundError for an unknown model, both in the scenario's
/// error shape (flat before v0.10.1, nested after, vLLM PR #22099), <c>/health</c> and <c>/metrics</c> with vLLM's names.
/// </summary>
internal sealed class SimulatedVllm(string ns, string pod, string modelName, VllmErrorShape shape, TimeSpan latency = default)
{
    private const string Answer = "Hello from the llm-d doctor simulator, served by vLLM.";
    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private long _success;
    private long _promptTokens;
    private long _generationTokens;

    public string Namespace { get; } = ns;

    public string Pod { get; } = pod;

    public string ModelName { get; } = modelName;

    /// <summary>Requests answered 200 on the completion endpoints.</summary>
    public long Completions => Interlocked.Read(ref _success);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        if (latency > TimeSpan.Zero && path is "/v1/models" or "/v1/chat/completions" or "/v1/completions")
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        switch (path)
        {
            case "/v1/models" when HttpMethods.IsGet(method):
                await WriteJsonAsync(context, 200, ModelList);
                return;
            case "/v1/chat/completions" or "/v1/completions" when HttpMethods.IsPost(method):
                await CompleteAsync(context, chat: path == "/v1/chat/completions");
                return;
            case "/health" or "/ping":
                context.Response.StatusCode = 200;
                return;
            case "/metrics" when HttpMethods.IsGet(method):
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await context.Response.WriteAsync(Metrics());
                return;
            case "/v1/models" or "/v1/chat/completions" or "/v1/completions":
                await WriteJsonAsync(context, 405, w => w.WriteString("detail", "Method Not Allowed"));
                return;
            default:
                await WriteJsonAsync(context, 404, w => w.WriteString("detail", "Not Found"));
                return;
        }
    }

    private void ModelList(Utf8JsonWriter w)
    {
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        w.WriteStartObject();
        w.WriteString("id", ModelName);
        w.WriteString("object", "model");
        w.WriteNumber("created", Created);
        w.WriteString("owned_by", "vllm");
        w.WriteString("root", ModelName);
        w.WriteNull("parent");
        w.WriteNumber("max_model_len", 40960);
        w.WriteStartArray("permission");
        w.WriteStartObject();
        w.WriteString("id", "modelperm-" + Guid.NewGuid().ToString("N"));
        w.WriteString("object", "model_permission");
        w.WriteNumber("created", Created);
        w.WriteBoolean("allow_create_engine", false);
        w.WriteBoolean("allow_sampling", true);
        w.WriteBoolean("allow_logprobs", true);
        w.WriteBoolean("allow_search_indices", false);
        w.WriteBoolean("allow_view", true);
        w.WriteBoolean("allow_fine_tuning", false);
        w.WriteString("organization", "*");
        w.WriteNull("group");
        w.WriteBoolean("is_blocking", false);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private async Task CompleteAsync(HttpContext context, bool chat)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0)
        {
            // FastAPI RequestValidationError for a missing body (GIE issue #934 shows the flat text verbatim).
            const string detail = "{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}";
            await ErrorAsync(context, 400, shape == VllmErrorShape.Flat ? $"[{detail}]" : $"1 validation error:\n  {detail}", "Bad Request", "body");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException e)
        {
            await ErrorAsync(context, 400, $"JSON decode error: {e.Message}", "Bad Request", "body");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var model = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (model is not null && model != ModelName)
            {
                await ErrorAsync(context, 404, $"The model `{model}` does not exist.", "NotFoundError", "model");
                return;
            }

            var maxTokens = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("max_tokens", out var mt) && mt.TryGetInt32(out var n) ? n : 16;
            var words = Answer.Split(' ');
            var take = Math.Clamp(maxTokens, 1, words.Length);
            var text = string.Join(' ', words.Take(take));
            var finish = take < words.Length ? "length" : "stop";
            var prompt = (int)Math.Max(1, buffer.Length / 8);
            Interlocked.Increment(ref _success);
            Interlocked.Add(ref _promptTokens, prompt);
            Interlocked.Add(ref _generationTokens, take);
            await WriteJsonAsync(context, 200, w =>
            {
                w.WriteString("id", (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N"));
                w.WriteString("object", chat ? "chat.completion" : "text_completion");
                w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteString("model", ModelName);
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                if (chat)
                {
                    w.WriteStartObject("message");
                    w.WriteString("role", "assistant");
                    w.WriteString("content", text);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString("text", text);
                }

                w.WriteNull("logprobs");
                w.WriteString("finish_reason", finish);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("usage");
                w.WriteNumber("prompt_tokens", prompt);
                w.WriteNumber("completion_tokens", take);
                w.WriteNumber("total_tokens", prompt + take);
                w.WriteEndObject();
            });
        }
    }

    /// <summary>vLLM's ErrorResponse in the scenario's shape.</summary>
    private Task ErrorAsync(HttpContext context, int status, string message, string type, string param) =>
        WriteJsonAsync(context, status, w =>
        {
            if (shape == VllmErrorShape.Flat)
            {
                w.WriteString("object", "error");
                w.WriteString("message", message);
                w.WriteString("type", type);
                w.WriteNull("param");
                w.WriteNumber("code", status);
                return;
            }

            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteString("param", param);
            w.WriteNumber("code", status);
            w.WriteEndObject();
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.Length;
        await context.Response.Body.WriteAsync(output.ToArray(), context.RequestAborted);
    }

    /// <summary>vLLM v1 metric names (docs.vllm.ai usage/metrics), labels <c>engine</c> and <c>model_name</c>.</summary>
    private string Metrics()
    {
        var labels = $"engine=\"0\",model_name=\"{ModelName}\"";
        var done = Interlocked.Read(ref _success);
        var builder = new StringBuilder();
        void Gauge(string name, string help, string value) =>
            builder.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{{labels}}} {value}\n");
        void Counter(string name, string help, long value) =>
            builder.Append(CultureInfo.InvariantCulture, $"# HELP {name}_total {help}\n# TYPE {name}_total counter\n{name}_total{{{labels}}} {value}\n");
        Gauge("vllm:num_requests_running", "Number of requests in model execution batches.", "0.0");
        Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", "0.0");
        Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", "0.0");
        Counter("vllm:prompt_tokens", "Number of prefill tokens processed.", Interlocked.Read(ref _promptTokens));
        Counter("vllm:generation_tokens", "Number of generation tokens processed.", Interlocked.Read(ref _generationTokens));
        Counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", Interlocked.Read(ref _promptTokens));
        Counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", 0);
        builder.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
        builder.Append(CultureInfo.InvariantCulture, $"vllm:request_success_total{{{labels},finished_reason=\"length\"}} {done}\n");
        builder.Append("# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.\n# TYPE vllm:time_to_first_token_seconds histogram\n");
        foreach (var le in new[] { "0.001", "0.005", "0.01", "0.02", "0.04", "0.06", "0.08", "0.1", "0.25", "0.5", "1.0", "+Inf" })
        {
            builder.Append(CultureInfo.InvariantCulture, $"vllm:time_to_first_token_seconds_bucket{{{labels},le=\"{le}\"}} {(le is "0.001" or "0.005" ? 0 : done)}\n");
        }

        builder.Append(CultureInfo.InvariantCulture, $"vllm:time_to_first_token_seconds_count{{{labels}}} {done}\n");
        builder.Append(CultureInfo.InvariantCulture, $"vllm:time_to_first_token_seconds_sum{{{labels}}} {(done * 0.008).ToString("0.###", CultureInfo.InvariantCulture)}\n");
        return builder.ToString();
    }
}
