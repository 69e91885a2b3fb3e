using System.Net;
using System.Text;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>The agent (<c>serve</c>) under faults: it keeps serving, says why it has no report, and stays small.</summary>
public static class AgentCases
{
    private const string Area = "Agent";

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "Kubernetes API unreachable from the start", "keeps serving /healthz and /metrics; /readyz and /report answer 503 with the reason", "503: no complete cycle yet", async () =>
        {
            await using var lab = await Lab.StartAsync();
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(300), new Uri($"http://127.0.0.1:{Ports.Closed()}"));
            await Task.Delay(1000);
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/healthz")).Status);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await agent.GetAsync("/readyz")).Status);
            var report = await agent.GetAsync("/report");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, report.Status);
            Assert.Contains("no complete cycle yet: cannot use the Kubernetes API", report.Body, StringComparison.Ordinal);
            var metrics = await agent.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.Status);
            Assert.Contains("llmd_doctor_build_info", metrics.Body, StringComparison.Ordinal);
            Assert.Contains(agent.Logs.Lines, l => l.Contains("cycle failed", StringComparison.Ordinal));
        }),

        new(Area, "Kubernetes API goes away after the first cycle", "keeps serving the last complete report (200) and stays ready", "last report kept", async () =>
        {
            await using var lab = await Lab.StartAsync();
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(300));
            await agent.WaitForReportAsync(b => b.Contains("\"findings\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            lab.ApiFaults.Fail("/", 500, "InternalError", "etcd down");
            await Task.Delay(1500);
            Assert.Contains(agent.Logs.Lines, l => l.Contains("cycle failed", StringComparison.Ordinal) && l.Contains("etcd down", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/readyz")).Status);
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/report")).Status);
        }),

        new(Area, "403 on every list (discovery answers)", "not ready (503 naming why) while /report serves the denials (LLMD0002); ready again once a list is readable", "503: no inventory read", async () =>
        {
            await using var lab = await Lab.StartAsync();
            KubernetesApiCases.FailEveryList(lab, 403, "Forbidden", "cannot list resource");
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(300));
            await agent.WaitForReportAsync(b => b.Contains("LLMD0002", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            var ready = await agent.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
            Assert.Contains("could not read any of the inventory", ready.Body, StringComparison.Ordinal);

            // Exhausted rather than removed: the API server reads the list on its request threads.
            lab.ApiFaults.Failures.Single(f => f.PathPrefix == "/api/v1/pods").Times = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await agent.GetAsync("/readyz")).Status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/readyz")).Status);
        }),

        new(Area, "slowloris gateway during a cycle", "/healthz and /metrics answer at once while the cycle waits on the probe timeout", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ProbeTimeout = "3s";
            lab.GatewayBehaviour = async (r, s, ct) =>
            {
                for (var i = 0; i < 60; i++)
                {
                    await s.WriteAsync("H"u8.ToArray(), ct);
                    await Task.Delay(1000, ct);
                }
            };
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromSeconds(30));
            await Task.Delay(500);
            var health = await agent.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.Status);
            Assert.True(health.Took < TimeSpan.FromSeconds(1), $"/healthz took {health.Took}");
            Assert.True((await agent.GetAsync("/metrics")).Took < TimeSpan.FromSeconds(1));
            await agent.WaitForReportAsync(b => b.Contains("LLMD0404", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        }),

        new(Area, "1 GB gateway answers, cycle after cycle", "every cycle names it (too large); memory retained after 6 cycles stays under 64 MiB", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = async (r, s, ct) =>
            {
                await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"), ct);
                var chunk = new byte[64 * 1024];
                for (long sent = 0; sent < 1L << 30; sent += chunk.Length)
                {
                    await s.WriteAsync(chunk, ct);
                }
            };
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(true);
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(200));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !(await agent.GetAsync("/metrics")).Body.Contains("llmd_doctor_cycles_total 6", StringComparison.Ordinal))
            {
                await Task.Delay(100);
            }

            var report = await agent.WaitForReportAsync(b => b.Contains("LLMD0404", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
            Assert.Contains("too large", report, StringComparison.Ordinal);
            var retained = (GC.GetTotalMemory(true) - before) / (1024 * 1024);
            Assert.True(retained < 64, $"{retained} MiB retained after the cycles");
        }),
    ];
}
