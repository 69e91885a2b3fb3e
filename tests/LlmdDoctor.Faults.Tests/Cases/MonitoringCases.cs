using System.Text;
using LlmdDoctor.Faults.Tests.Harness;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>Faults of Prometheus/Thanos, Grafana and Alertmanager, seen by <c>llmd-doctor check</c> (timeout 1.5 s).</summary>
public static class MonitoringCases
{
    private const string Area = "Monitoring";

    private static Func<RawRequest, Stream, CancellationToken, Task> Status(int status, string body = "") =>
        (r, s, ct) => RawHttp.WriteAsync(s, status, body, "text/plain", ct: ct);

    private static async Task Slow(RawRequest r, Stream s, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), ct);
        await RawHttp.WriteAsync(s, 200, "{}", ct: ct);
    }

    /// <summary>Sends its headers and the start of a body, then stalls for good.</summary>
    private static async Task StallAfterHeaders(RawRequest r, Stream s, CancellationToken ct)
    {
        await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"status\":\"succ"), ct);
        await s.FlushAsync(ct);
        await Task.Delay(Timeout.Infinite, ct);
    }

    /// <summary>A 32 MiB result set, streamed without a content-length.</summary>
    private static async Task Huge(RawRequest r, Stream s, CancellationToken ct)
    {
        await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["), ct);
        var series = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"metric\":{\"__name__\":\"vllm:num_requests_running\",\"pod\":\"p\"},\"value\":[1,\"1\"]},", 500)));
        for (long sent = 0; sent < 32L * 1024 * 1024; sent += series.Length)
        {
            await s.WriteAsync(series, ct);
        }
    }

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "Prometheus/Thanos 401", "names the datasource URL and the rejected token", "LLMD0602", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = Status(401, "Unauthorized");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0602", "url", lab.PrometheusUrl);
            Expect.Skipped(outcome, "monitoring.MetricsPresent", "401");
        }),

        new(Area, "Prometheus/Thanos 403", "names the datasource URL and the 403", "LLMD0602", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = Status(403, "Forbidden (user=system:serviceaccount:llm-d-monitoring:llmd-doctor, verb=get, resource=namespaces)");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0602", "detail", "HTTP 403");
        }),

        new(Area, "Prometheus/Thanos 503", "names the datasource as unreachable (HTTP 503); metric checks are skipped, not passed", "LLMD0601", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = Status(503, "upstream connect error or disconnect/reset before headers");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0601", "reason", "HTTP 503");
            Expect.Skipped(outcome, "monitoring.MetricsPresent", "503");
        }),

        new(Area, "Prometheus/Thanos slow (30 s)", "gives up at the timeout and names the datasource (timeout)", "LLMD0601", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = Slow;
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0601", "reason", "timeout");
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"the run took {outcome.Elapsed}");
        }),

        new(Area, "Prometheus/Thanos stalls after its headers", "the deadline covers the body: gives up at the timeout and names the datasource (timeout)", "LLMD0601", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = StallAfterHeaders;
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0601", "reason", "timeout");
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"the run took {outcome.Elapsed}");
        }),

        new(Area, "Prometheus/Thanos huge result set (32 MiB)", "stops at the 16 MiB response cap and names the datasource (response too large)", "LLMD0601", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = Huge;
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 200);
            Expect.Finding(outcome, "LLMD0601", "reason", "response too large");
        }),

        new(Area, "Prometheus URL answers HTML (not the API)", "names the datasource: not a Prometheus API", "LLMD0601", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.PrometheusBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 200, "<html>Grafana</html>", "text/html", ct: ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0601", "reason", "not a Prometheus API");
        }),

        new(Area, "https configured, server speaks plain HTTP", "names the scheme mismatch", "LLMD0603", async () =>
        {
            // A plain HTTP server answers a TLS ClientHello with a 400 status line and closes.
            await using var plain = new RawServer(
                (r, s, ct) => s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct).AsTask(),
                readRequest: false);
            await using var lab = await Lab.StartAsync();
            lab.PrometheusUrl = plain.Url.Replace("http://", "https://", StringComparison.Ordinal);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0603", "url", lab.PrometheusUrl);
        }),

        new(Area, "Grafana 401", "names Grafana as a source it could not use; Grafana checks are skipped with the 401", "LLMD0003", async () =>
        {
            await using var grafana = new RawServer(Status(401, "{\"message\":\"Unauthorized\"}"));
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"grafana:\n  url: {grafana.Url}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "Grafana");
            Expect.Finding(outcome, "LLMD0003", "reason", "401");
        }),

        new(Area, "Grafana 503", "names Grafana as unreachable (HTTP 503)", "LLMD0003", async () =>
        {
            await using var grafana = new RawServer(Status(503, "Service Unavailable"));
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"grafana:\n  url: {grafana.Url}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "503");
        }),

        new(Area, "Grafana slow (30 s)", "gives up at the timeout and names Grafana", "LLMD0003", async () =>
        {
            await using var grafana = new RawServer(Slow);
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"grafana:\n  url: {grafana.Url}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "timeout");
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"the run took {outcome.Elapsed}");
        }),

        new(Area, "Alertmanager 403", "names the denial; the heartbeat check is not passed", "LLMD0002", async () =>
        {
            await using var alertmanager = new RawServer(Status(403, "Forbidden"));
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"alertmanager:\n  url: {alertmanager.Url}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0002", "resource", "Alertmanager");
        }),

        new(Area, "Alertmanager 503", "names Alertmanager as unreachable (HTTP 503)", "LLMD0003", async () =>
        {
            await using var alertmanager = new RawServer(Status(503, "Service Unavailable"));
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"alertmanager:\n  url: {alertmanager.Url}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "503");
        }),

        new(Area, "Alertmanager huge answer (32 MiB)", "stops at the 16 MiB cap and names Alertmanager (response too large)", "LLMD0003", async () =>
        {
            await using var alertmanager = new RawServer(Huge);
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = $"alertmanager:\n  url: {alertmanager.Url}";
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 200);
            Expect.Finding(outcome, "LLMD0003", "reason", "response too large");
        }),
    ];
}
