using System.Net;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>The agent's cycle deadline (<c>limits.cycleDeadline</c>) against a live source that stops answering.</summary>
public static class CycleDeadlineCases
{
    private const string Area = "Agent";

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "Pod list never answers within the cycle deadline (5s)", "the cycle is cut and logged naming GET …/api/v1/pods; the loop keeps cycling and the next report names it", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = "limits: {cycleDeadline: 5s}";
            lab.ApiFaults.Delays["/api/v1/pods"] = TimeSpan.FromMinutes(10);
            await using var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(300));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!agent.Logs.Lines.Any(l => l.Contains("cycle failed", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.Contains(agent.Logs.Lines, l => l.Contains("still waiting on: Kubernetes API GET", StringComparison.Ordinal) && l.Contains("/api/v1/pods", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/healthz")).Status);

            lab.ApiFaults.Delays.TryRemove("/api/v1/pods", out _);
            var report = await agent.WaitForReportAsync(b => b.Contains("LLMD0003", StringComparison.Ordinal) && b.Contains("/api/v1/pods", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            Assert.Contains("limits.cycleDeadline", report, StringComparison.Ordinal);
        }) { Slow = true },
    ];
}
