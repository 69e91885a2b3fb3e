using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
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
