using System.Buffers;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Tests.Agent;

/// <summary>
/// The exact <c>/metrics</c> text of a fixed cycle (the seed scenario with fixed durations and extra probe results
/// covering escaping, deduplication, runs that did not happen and direct probes), compared byte for byte with a
/// golden file rendered by the StringBuilder writer the agent used before the page was written as UTF-8 bytes (that
/// text encoded as UTF-8, as the agent served it).
/// </summary>
public sealed class DoctorMetricsTests
{
    [Fact]
    public async Task The_page_of_a_fixed_cycle_matches_the_golden_file()
    {
        var (cycle, counters) = await FixedCycleAsync();
        Core.Tests.GoldenFile.VerifyBytes("metrics-page.txt", DoctorMetrics.Render(cycle, counters, "1.2.3\"rc", "abc\\def").ToArray());
    }

    [Fact]
    public void The_page_before_a_first_cycle_matches_the_golden_file() =>
        Core.Tests.GoldenFile.VerifyBytes("metrics-page-empty.txt", DoctorMetrics.Render(null, new AgentCounters(), "test", "test").ToArray());

    private static async Task<(CycleResult Cycle, AgentCounters Counters)> FixedCycleAsync()
    {
        var source = new BundleSource(Repository.ScenarioBundle("seed-rhoai"), "bundle", "seed-rhoai");
        var seed = await source.CollectAsync(CancellationToken.None);
        var cycle = await new DoctorCycle(new DoctorConfig(), ReportPolicy.None, TimeProvider.System)
            .RunAsync(source, CheckRegistry.All, CancellationToken.None);
        var inputs = new DoctorInputs
        {
            Cluster = seed.Cluster,
            Envoy = seed.Envoy,
            Probes = seed.Probes with { Results = [.. seed.Probes.Results, .. ExtraProbes()] },
            EndpointPickers = seed.EndpointPickers,
            Monitoring = seed.Monitoring,
            Settings = seed.Settings,
            States = seed.States,
        };
        // Durations are the only values of a real cycle that change from run to run: fix them.
        var outcomes = cycle.Run.Outcomes.Select((o, i) => o with { Duration = TimeSpan.FromTicks(1234 * (i + 1) * (i + 1)) }).ToList();
        var fixedCycle = cycle with
        {
            Inputs = inputs,
            Run = cycle.Run with { Outcomes = outcomes },
            Duration = TimeSpan.FromMilliseconds(1234.5678),
            FinishedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_760_000_000_123),
        };
        var counters = new AgentCounters();
        counters.Record(fixedCycle.Run);
        counters.Record(fixedCycle.Run with { Outcomes = [.. outcomes.Take(3).Select(o => o with { Failed = true })] });
        return (fixedCycle, counters);
    }

    private static IEnumerable<ProbeResult> ExtraProbes()
    {
        static ProbeTarget Target(ProbeKind kind, string gatewayNamespace, string route, string? model = null, string? service = null) => new()
        {
            Kind = kind,
            Method = kind == ProbeKind.Models ? "GET" : "POST",
            Url = "http://gw.example.com/x",
            Path = "/x",
            GatewayNamespace = gatewayNamespace,
            GatewayName = "gw",
            RouteNamespace = "ns",
            RouteName = route,
            ExpectedModel = model,
            Service = service,
        };

        var timings = new ProbeTimings(TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(0.4), TimeSpan.FromMilliseconds(12.3456),
            TimeSpan.FromMilliseconds(48.7), TimeSpan.FromMilliseconds(0.2), TimeSpan.FromMilliseconds(61.6457));
        yield return new ProbeResult { Target = Target(ProbeKind.Models, "gw-ns", "plain", "m"), Status = 200, Timings = timings };
        // Same label set again: only the first is a series.
        yield return new ProbeResult { Target = Target(ProbeKind.Models, "gw-ns", "plain", "m"), Status = 500, Reason = ProbeFailureReason.Dns };
        yield return new ProbeResult
        {
            Target = Target(ProbeKind.Chat, "gw-ns", "failed"),
            Status = 503,
            Reason = ProbeFailureReason.Dns,
            Model = "from-answer",
            Timings = new ProbeTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(3), TimeSpan.Zero, TimeSpan.MaxValue),
        };
        yield return new ProbeResult { Target = Target(ProbeKind.Completions, "gw-ns", "listed"), ModelIds = ["first", "second"], Timings = timings };
        yield return new ProbeResult { Target = Target(ProbeKind.Direct, "gw-ns", "direct", "m", "svc-ns/svc"), Status = 200, Timings = timings };
        yield return new ProbeResult { Target = Target(ProbeKind.Chat, "gw-ns", "not-run", "m"), Reason = ProbeFailureReason.NotRun };
        yield return new ProbeResult { Target = Target(ProbeKind.Chat, "q\"uote", "back\\slash\nnew", "ünïcödé ✓ 🚀"), Status = 200, Timings = timings };
    }
}
