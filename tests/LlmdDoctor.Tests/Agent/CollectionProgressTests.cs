using LlmdDoctor.Core.Telemetry;

namespace LlmdDoctor.Tests.Agent;

/// <summary>What a tracked collection waits on: the innermost running phases, nothing outside a tracked flow.</summary>
public sealed class CollectionProgressTests
{
    [Fact]
    public async Task Waiting_names_the_innermost_running_phases_only()
    {
        var progress = CollectionProgress.Track();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new CountdownEvent(2);

        async Task Stall(string parent, string child)
        {
            using var p = CollectionProgress.Enter(parent);
            using (CollectionProgress.Enter($"{parent}: finished"))
            {
            }

            using var c = CollectionProgress.Enter(child);
            entered.Signal();
            await release.Task;
        }

        var running = Task.WhenAll(Stall("probes", "probe POST /v1/chat/completions"), Stall("monitoring", "GET /api/v1/query"));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(["GET /api/v1/query", "probe POST /v1/chat/completions"], progress.Waiting().Select(w => w.What).Order(StringComparer.Ordinal));
        Assert.Equal(2, progress.WaitingCount);

        release.SetResult();
        await running;
        Assert.Empty(progress.Waiting());
    }

    [Fact]
    public void A_parent_whose_children_all_ended_is_itself_waiting()
    {
        var progress = CollectionProgress.Track();
        using var inventory = CollectionProgress.Enter("Kubernetes inventory lists");
        using (CollectionProgress.Enter("Kubernetes API GET /api/v1/pods"))
        {
            Assert.Equal(["Kubernetes API GET /api/v1/pods"], progress.Waiting().Select(w => w.What));
        }

        Assert.Equal(["Kubernetes inventory lists"], progress.Waiting().Select(w => w.What));
    }

    [Fact]
    public async Task Outside_a_tracked_flow_entering_a_phase_records_nothing()
    {
        // Entered before this flow is tracked, as the CLI's collections never are: a no-op, not a phase of a later tracking.
        using var before = CollectionProgress.Enter("untracked");
        var progress = CollectionProgress.Track();
        Assert.Empty(progress.Waiting());

        // A tracking belongs to its own flow: a flow that tracked nothing does not report into it.
        var other = await Task.Run(() =>
        {
            var mine = CollectionProgress.Track();
            using var phase = CollectionProgress.Enter("other flow");
            return mine.Waiting().Count;
        });
        Assert.Equal(1, other);
        Assert.Empty(progress.Waiting());
    }

    [Fact]
    public async Task At_most_the_bound_is_named_and_all_are_counted()
    {
        var progress = CollectionProgress.Track();
        var scopes = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => Task.Run(() => CollectionProgress.Enter($"probe {i:00}"))));
        Assert.Equal(CollectionProgress.MaxNamed, progress.Waiting().Count);
        Assert.Equal(25, progress.WaitingCount);
        foreach (var scope in scopes)
        {
            scope.Dispose();
        }

        Assert.Empty(progress.Waiting());
    }
}
