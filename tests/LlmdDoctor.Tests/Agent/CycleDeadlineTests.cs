using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Telemetry;
using LlmdDoctor.Tests.Cli;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmdDoctor.Tests.Agent;

/// <summary>Each agent cycle has a deadline: a stalled collection is cut, reported, and the loop keeps cycling.</summary>
public sealed class CycleDeadlineTests
{
    /// <summary>Stalls on the calls listed (1-based) until cancelled; otherwise collects from the seed bundle.</summary>
    private sealed class StallingSource(IInputSource inner, params int[] stallOn) : IInputSource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);
        public string Kind => inner.Kind;
        public string Name => inner.Name;

        public async Task<DoctorInputs> CollectAsync(CancellationToken cancellation)
        {
            if (stallOn.Contains(Interlocked.Increment(ref _calls)))
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }

            return await inner.CollectAsync(cancellation);
        }
    }

    [Fact]
    public async Task A_stalled_cycle_is_cut_at_its_deadline_and_the_next_one_completes()
    {
        var config = DoctorConfigLoader.Load("interval: 5s", "test", new Dictionary<string, string?>()) with { Interval = TimeSpan.FromMilliseconds(100) };
        var source = new StallingSource(new BundleSource(Repository.ScenarioBundle("seed-rhoai"), "bundle", "seed-rhoai"), 1);
        var state = new AgentState();
        var loop = new AgentLoop(config, config.Policy([]), source, state, TimeProvider.System, NullLogger.Instance, cycleDeadline: TimeSpan.FromMilliseconds(500));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = loop.RunAsync(stop.Token);

        // The first cycle stalls: it must fail with the deadline as its reason, without waiting for the peer.
        while (state.LastError is null && state.Last is null && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        Assert.Null(state.Last);
        Assert.Contains("deadline", state.LastError, StringComparison.Ordinal);
        Assert.False(state.Ready);

        // The loop keeps cycling: the second collection answers and the agent becomes ready.
        while (state.Last is null && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        Assert.NotNull(state.Last);
        Assert.Null(state.LastError);
        Assert.True(state.Ready);
        Assert.True(source.Calls >= 2);
        await stop.CancelAsync();
        await run;
    }

    /// <summary>
    /// A source whose listed calls (1-based) never answer: they wait on the phases given, as a live source waits on a
    /// Kubernetes list or a Prometheus query, until the cycle deadline cancels them. Other calls read the seed bundle.
    /// </summary>
    private sealed class NeverAnsweringSource(string[] phases, Func<int, bool> stalls) : IInputSource
    {
        private readonly BundleSource _bundle = new(Repository.ScenarioBundle("seed-rhoai"), "bundle", "seed-rhoai");
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);
        public string Kind => "cluster";
        public string Name => "never-answers";

        public async Task<DoctorInputs> CollectAsync(CancellationToken cancellation)
        {
            if (stalls(Interlocked.Increment(ref _calls)))
            {
                using var inventory = CollectionProgress.Enter("Kubernetes inventory lists");
                using (CollectionProgress.Enter("Kubernetes API GET https://api.test/api/v1/namespaces"))
                {
                    // This one answered before the deadline: it must not be named.
                }

                await Task.WhenAll(phases.Select(async phase =>
                {
                    using var _ = CollectionProgress.Enter(phase);
                    await Task.Delay(Timeout.Infinite, cancellation);
                }));
            }

            return await _bundle.CollectAsync(cancellation);
        }
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken stop)
    {
        while (!condition() && !stop.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static (AgentLoop Loop, AgentState State) Agent(IInputSource source, TimeSpan deadline)
    {
        var config = DoctorConfigLoader.Load("interval: 5s", "test", new Dictionary<string, string?>()) with { Interval = TimeSpan.FromMilliseconds(100) };
        var state = new AgentState();
        return (new AgentLoop(config, config.Policy([]), source, state, TimeProvider.System, NullLogger.Instance, cycleDeadline: deadline), state);
    }

    [Fact]
    public async Task The_report_after_a_cut_cycle_names_what_stalled_as_LLMD0003()
    {
        const string pods = "Kubernetes API GET https://api.test/api/v1/pods?limit=500";
        const string prometheus = "GET https://thanos.test:9091/api/v1/query?query=up";
        var source = new NeverAnsweringSource([pods, prometheus], call => call == 1);

        // Long enough that the answering cycles (bundle and every check) finish within it on a loaded machine.
        var (loop, state) = Agent(source, TimeSpan.FromSeconds(3));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = loop.RunAsync(stop.Token);

        await WaitUntil(() => state.LastError is not null || state.Last is not null, stop.Token);
        Assert.Null(state.Last);
        Assert.Contains("still waiting on: ", state.LastError, StringComparison.Ordinal);
        Assert.Contains(pods, state.LastError, StringComparison.Ordinal);
        Assert.Contains(prometheus, state.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("namespaces", state.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("Kubernetes inventory lists", state.LastError, StringComparison.Ordinal);

        await WaitUntil(() => state.Last is not null, stop.Token);
        var stalled = state.Last!.Report.Findings.Where(f => f.Check == "agent").ToList();
        Assert.Equal([prometheus, pods], stalled.Select(f => f.Subject.Name).Order(StringComparer.Ordinal));
        Assert.All(stalled, f =>
        {
            Assert.Equal("LLMD0003", f.Code);
            Assert.Contains("was cut at its 3 s deadline (limits.cycleDeadline)", f.Message, StringComparison.Ordinal);
        });

        // Said once: the cycle after the one that reported it reports nothing of the cut.
        var first = state.Last;
        await WaitUntil(() => !ReferenceEquals(state.Last, first), stop.Token);
        Assert.DoesNotContain(state.Last!.Report.Findings, f => f.Check == "agent");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_source_that_never_answers_is_cut_every_cycle_and_the_loop_keeps_cycling()
    {
        var source = new NeverAnsweringSource(["Envoy admin /config_dump of pod openshift-ingress/gw-0 (port-forward)"], _ => true);
        var (loop, state) = Agent(source, TimeSpan.FromMilliseconds(300));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = loop.RunAsync(stop.Token);

        await WaitUntil(() => source.Calls >= 3 && state.LastError is not null, stop.Token);
        Assert.True(source.Calls >= 3, $"{source.Calls} cycles");
        Assert.Null(state.Last);
        Assert.False(state.Ready);
        Assert.Contains("still waiting on: Envoy admin /config_dump of pod openshift-ingress/gw-0 (port-forward)", state.LastError, StringComparison.Ordinal);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_cycle_within_its_deadline_reports_no_stall()
    {
        var source = new NeverAnsweringSource(["never entered"], _ => false);
        var (loop, state) = Agent(source, TimeSpan.FromSeconds(30));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = loop.RunAsync(stop.Token);
        await WaitUntil(() => source.Calls >= 2 && state.Last is not null, stop.Token);
        Assert.NotNull(state.Last);
        Assert.Null(state.LastError);
        Assert.DoesNotContain(state.Last!.Report.Findings, f => f.Check == "agent");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void A_cut_without_named_phases_blames_the_source()
    {
        var cut = new CycleCut(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5), [], 0);
        var finding = Assert.Single(DoctorCycle.Stalled(cut, new NeverAnsweringSource([], _ => false)));
        Assert.Equal("LLMD0003", finding.Code);
        Assert.Equal("cluster never-answers", finding.Subject.Name);
        Assert.Contains("2026-12-03 10:00:00Z was cut at its 300 s deadline", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_stalled_phases_are_named_up_to_the_bound_and_counted()
    {
        var waiting = Enumerable.Range(0, CollectionProgress.MaxNamed).Select(i => new StalledPhase($"probe {i}", TimeSpan.FromSeconds(1))).ToList();
        var cut = new CycleCut(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5), waiting, 250);
        var findings = DoctorCycle.Stalled(cut, new NeverAnsweringSource([], _ => false));
        Assert.Equal(CollectionProgress.MaxNamed, findings.Count);
        Assert.All(findings, f => Assert.Contains($"{250 - CollectionProgress.MaxNamed} more phases were still running", f.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5, 300)]
    [InlineData(60, 300)]
    [InlineData(600, 1200)]
    public void The_default_deadline_is_twice_the_interval_and_at_least_five_minutes(int intervalSeconds, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AgentLoop.CycleDeadline(TimeSpan.FromSeconds(intervalSeconds)));

    public static TheoryData<string, Dictionary<CheckInput, InputState>, string?> Inventories => new()
    {
        { "everything read (expect nothing)", new() { [CheckInput.Pods] = InputState.Available("Pod"), [CheckInput.Services] = InputState.Available("Service") }, null },
        { "one kind denied, one read (expect nothing)", new() { [CheckInput.Pods] = InputState.Denied("Pod (u)", "403"), [CheckInput.Services] = InputState.Available("Service") }, null },
        { "only CRDs absent (expect nothing)", new() { [CheckInput.Gateways] = InputState.Absent("Gateway", "not installed") }, null },
        { "no inventory input at all (expect nothing)", new() { [CheckInput.Probes] = InputState.Available("probes") }, null },
        { "every list denied", new() { [CheckInput.Pods] = InputState.Denied("Pod (u)", "403"), [CheckInput.Services] = InputState.Denied("Service (u)", "403") }, "Services denied (Service (u)); Pods denied (Pod (u))" },
        { "denied, unavailable and absent", new() { [CheckInput.Pods] = InputState.Unavailable("Pod (u)", "500"), [CheckInput.Gateways] = InputState.Absent("Gateway", "no CRD"), [CheckInput.Probes] = InputState.Available("probes") }, "Pods unavailable (Pod (u))" },
    };

    [Theory]
    [MemberData(nameof(Inventories))]
    public void A_run_that_read_no_inventory_says_why(string name, Dictionary<CheckInput, InputState> states, string? expected)
    {
        var why = DoctorCycle.NothingRead(states);
        if (expected is null)
        {
            Assert.True(why is null, $"{name}: {why}");
        }
        else
        {
            Assert.NotNull(why);
            Assert.StartsWith("no inventory could be read: ", why, StringComparison.Ordinal);
            Assert.Contains(expected, why, StringComparison.Ordinal);
        }
    }
}
