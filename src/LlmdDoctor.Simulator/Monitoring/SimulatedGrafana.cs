using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Monitoring;

/// <summary>
/// The Grafana HTTP API parts the doctor reads (domain-facts §7): <c>/api/health</c>, and
/// <c>/api/datasources/uid/{uid}/health</c> answering 200 <c>{"status":"OK"}</c> for a known uid, 400
/// <c>{"status":"ERROR","message":…}</c> when the scenario breaks the datasource, 404 for an unknown uid.
/// </summary>
internal sealed class SimulatedGrafana(IReadOnlyCollection<string> datasourceUids, string? datasourceError)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/api/health")
        {
            await WriteAsync(context, 200, w =>
            {
                w.WriteString("commit", "llmd-doctor-simulator");
                w.WriteString("database", "ok");
                w.WriteString("version", "12.1.0");
            });
            return;
        }

        const string prefix = "/api/datasources/uid/";
        if (path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("/health", StringComparison.Ordinal))
        {
            var uid = Uri.UnescapeDataString(path[prefix.Length..^"/health".Length]);
            if (!datasourceUids.Contains(uid))
            {
                await WriteAsync(context, 404, w => w.WriteString("message", "Data source not found"));
                return;
            }

            if (datasourceError is { } error)
            {
                await WriteAsync(context, 400, w =>
                {
                    w.WriteString("status", "ERROR");
                    w.WriteString("message", error);
                });
                return;
            }

            await WriteAsync(context, 200, w =>
            {
                w.WriteString("status", "OK");
                w.WriteString("message", "Successfully queried the Prometheus API.");
            });
            return;
        }

        await WriteAsync(context, 404, w => w.WriteString("message", "Not found"));
    }

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
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
        await context.Response.Body.WriteAsync(output.ToArray(), context.RequestAborted);
    }
}
