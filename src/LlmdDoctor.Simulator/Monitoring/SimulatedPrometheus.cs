using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Monitoring;

/// <summary>
/// A Prometheus HTTP API (as Thanos Querier serves it on :9091, domain-facts §6: HTTPS and <c>Authorization:
/// Bearer</c>, 401 without): <c>/api/v1/query</c> (GET or POST form), <c>query_range</c> (two identical points),
/// <c>series</c>, <c>labels</c>, <c>label/&lt;name&gt;/values</c>, <c>rules</c> (the bundle's PrometheusRules, loaded),
/// <c>alerts</c>, <c>status/buildinfo</c>, <c>/-/healthy</c>, <c>/-/ready</c>. A <c>namespace</c> query parameter
/// restricts results to that namespace, as the tenancy port's prom-label-proxy does.
/// </summary>
internal sealed class SimulatedPrometheus(IReadOnlyList<PromSeries> series, IReadOnlyList<JsonObject> prometheusRules, string token)
{
    /// <summary>Queries received, for tests.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Queries { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/-/healthy" or "/-/ready")
        {
            await context.Response.WriteAsync(path == "/-/healthy" ? "Prometheus Server is Healthy.\n" : "Prometheus Server is Ready.\n");
            return;
        }

        if (context.Request.Headers.Authorization.ToString() != "Bearer " + token)
        {
            // kube-rbac-proxy in front of Thanos Querier.
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Unauthorized\n");
            return;
        }

        var parameters = await ParametersAsync(context.Request);
        var tenant = parameters.GetValueOrDefault("namespace");
        var visible = tenant is null ? series : [.. series.Where(s => s.Labels.GetValueOrDefault("namespace") == tenant)];
        try
        {
            switch (path)
            {
                case "/api/v1/query" or "/api/v1/query_range":
                    var query = parameters.GetValueOrDefault("query") ?? throw new PromQlException("invalid parameter \"query\": missing query");
                    Queries.Enqueue(query);
                    var value = new PromEvaluator(visible, DateTimeOffset.UtcNow).Evaluate(PromQlParser.Parse(query));
                    await WriteAsync(context, 200, w => WriteResult(w, value, range: path.EndsWith("range", StringComparison.Ordinal)));
                    return;
                case "/api/v1/series":
                    var selected = SelectByMatch(context.Request, visible);
                    await WriteAsync(context, 200, w =>
                    {
                        w.WriteStartArray("data");
                        foreach (var s in selected)
                        {
                            WriteLabels(w, s.Labels);
                        }

                        w.WriteEndArray();
                    });
                    return;
                case "/api/v1/labels":
                    await WriteStrings(context, visible.SelectMany(s => s.Labels.Keys).Distinct().Order(StringComparer.Ordinal));
                    return;
                case var p when p.StartsWith("/api/v1/label/", StringComparison.Ordinal) && p.EndsWith("/values", StringComparison.Ordinal):
                    var label = p["/api/v1/label/".Length..^"/values".Length];
                    await WriteStrings(context, visible.Select(s => s.Labels.GetValueOrDefault(label)).OfType<string>().Distinct().Order(StringComparer.Ordinal));
                    return;
                case "/api/v1/rules":
                    await WriteAsync(context, 200, w => WriteRules(w, tenant));
                    return;
                case "/api/v1/alerts":
                    await WriteAsync(context, 200, w =>
                    {
                        w.WriteStartObject("data");
                        w.WriteStartArray("alerts");
                        w.WriteEndArray();
                        w.WriteEndObject();
                    });
                    return;
                case "/api/v1/status/buildinfo":
                    await WriteAsync(context, 200, w =>
                    {
                        w.WriteStartObject("data");
                        w.WriteString("version", "0.37.2");
                        w.WriteString("revision", "llmd-doctor-simulator");
                        w.WriteEndObject();
                    });
                    return;
                default:
                    context.Response.StatusCode = 404;
                    await context.Response.WriteAsync("404 page not found\n");
                    return;
            }
        }
        catch (PromQlException e)
        {
            await WriteAsync(context, 400, w =>
            {
                w.WriteString("errorType", "bad_data");
                w.WriteString("error", e.Message);
            }, status: "error");
        }
    }

    private static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }
        }

        return parameters;
    }

    private static List<PromSeries> SelectByMatch(HttpRequest request, IReadOnlyList<PromSeries> visible)
    {
        var result = new List<PromSeries>();
        foreach (var match in request.Query["match[]"])
        {
            var selector = PromQlParser.Parse(match ?? "") as SelectorExpr ?? throw new PromQlException("match[] must be a series selector");
            result.AddRange(visible.Where(s => selector.Matchers.All(m => m.Matches(s.Labels)) && !result.Contains(s)));
        }

        return result;
    }

    private static void WriteResult(Utf8JsonWriter w, PromValue value, bool range)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        w.WriteStartObject("data");
        if (value.Scalar is { } scalar && !range)
        {
            w.WriteString("resultType", "scalar");
            w.WriteStartArray("result");
            w.WriteNumberValue(now);
            w.WriteStringValue(SimulatedSeries.Format(scalar));
            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }

        var vector = value.Scalar is { } s ? [new PromSeries(new Dictionary<string, string>(), s)] : value.Vector;
        w.WriteString("resultType", range ? "matrix" : "vector");
        w.WriteStartArray("result");
        foreach (var item in vector)
        {
            w.WriteStartObject();
            w.WritePropertyName("metric");
            WriteLabels(w, item.Labels);
            w.WriteStartArray(range ? "values" : "value");
            foreach (var t in range ? new[] { now - 60, now } : [now])
            {
                if (range)
                {
                    w.WriteStartArray();
                }

                w.WriteNumberValue(t);
                w.WriteStringValue(SimulatedSeries.Format(item.Value));
                if (range)
                {
                    w.WriteEndArray();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteRules(Utf8JsonWriter w, string? tenant)
    {
        w.WriteStartObject("data");
        w.WriteStartArray("groups");
        foreach (var rule in prometheusRules.Where(r => tenant is null || ClusterModel.Ns(r) == tenant))
        {
            foreach (var group in (rule["spec"]?["groups"] as JsonArray ?? []).OfType<JsonObject>())
            {
                w.WriteStartObject();
                w.WriteString("name", (string?)group["name"] ?? "");
                w.WriteString("file", $"/etc/prometheus/rules/prometheus-user-workload-rulefiles-0/{ClusterModel.Ns(rule)}-{ClusterModel.Name(rule)}.yaml");
                w.WriteStartArray("rules");
                foreach (var r in (group["rules"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var alert = (string?)r["alert"];
                    w.WriteStartObject();
                    w.WriteString("name", alert ?? (string?)r["record"] ?? "");
                    w.WriteString("query", r["expr"]?.ToString() ?? "");
                    w.WriteString("type", alert is null ? "recording" : "alerting");
                    w.WriteString("health", "ok");
                    if (alert is not null)
                    {
                        w.WriteString("state", "inactive");
                        w.WriteStartArray("alerts");
                        w.WriteEndArray();
                    }

                    w.WritePropertyName("labels");
                    WriteLabels(w, ClusterModel.StringMap(r["labels"] as JsonObject));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteNumber("interval", 30);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter w, IReadOnlyDictionary<string, string> labels)
    {
        w.WriteStartObject();
        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static Task WriteStrings(HttpContext context, IEnumerable<string> values) => WriteAsync(context, 200, w =>
    {
        w.WriteStartArray("data");
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    });

    internal static async Task WriteAsync(HttpContext context, int code, Action<Utf8JsonWriter> body, string status = "success")
    {
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("status", status);
            body(writer);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(output.ToArray(), context.RequestAborted);
    }
}
