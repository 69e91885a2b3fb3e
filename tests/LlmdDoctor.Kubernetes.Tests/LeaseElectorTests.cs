using System.Text.Json.Nodes;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>Leader election against the simulated API server, which enforces the Lease's resourceVersion as kube-apiserver does.</summary>
public sealed class LeaseElectorTests : IAsyncLifetime
{
    private ApiServerHost _api = null!;

    public async Task InitializeAsync() => _api = await SimulatedApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>The Lease as the server stores it.</summary>
    private async Task<JsonObject> StoredLeaseAsync()
    {
        using var client = new KubeClient(new KubeConnection { Server = _api.Url });
        return (await client.GetAsync(KubeResource.Leases, "llm-d-monitoring", "llmd-doctor"))!;
    }

    private LeaseElector Elector(string identity, ManualTime time) =>
        new(new KubeClient(new KubeConnection { Server = _api.Url }), "llm-d-monitoring", "llmd-doctor", identity, TimeSpan.FromSeconds(30), time);

    [Fact]
    public async Task One_replica_leads_the_other_stands_by_and_takes_over_after_expiry()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        var a = Elector("pod-a", time);
        var b = Elector("pod-b", time);

        Assert.Equal(new LeaseState(true, "pod-a", null), await a.TryAcquireOrRenewAsync(default));
        Assert.Equal(new LeaseState(false, "pod-a", null), await b.TryAcquireOrRenewAsync(default));

        time.Now += TimeSpan.FromSeconds(20);
        Assert.True((await a.TryAcquireOrRenewAsync(default)).IsLeader);
        time.Now += TimeSpan.FromSeconds(20);
        Assert.False((await b.TryAcquireOrRenewAsync(default)).IsLeader);

        time.Now += TimeSpan.FromSeconds(31);
        Assert.Equal(new LeaseState(true, "pod-b", null), await b.TryAcquireOrRenewAsync(default));
        Assert.Equal(new LeaseState(false, "pod-b", null), await a.TryAcquireOrRenewAsync(default));
        var lease = await StoredLeaseAsync();
        Assert.Equal(1, (int)lease["spec"]!["leaseTransitions"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", (string)lease["spec"]!["renewTime"]!);
    }

    [Fact]
    public async Task A_lost_race_is_standby_not_an_error()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        await Elector("pod-a", time).TryAcquireOrRenewAsync(default);
        time.Now += TimeSpan.FromMinutes(5);
        // Both see the expired lease; the API server lets one PUT through and answers 409 to the other.
        var results = await Task.WhenAll(Elector("pod-b", time).TryAcquireOrRenewAsync(default), Elector("pod-c", time).TryAcquireOrRenewAsync(default));
        Assert.Single(results, r => r.IsLeader);
        Assert.All(results, r => Assert.Null(r.Problem));
    }

    [Fact]
    public async Task An_unreachable_api_server_is_a_problem_not_leadership()
    {
        var elector = new LeaseElector(new KubeClient(new KubeConnection { Server = new Uri("http://127.0.0.1:1") }), "ns", "l", "pod-a", TimeSpan.FromSeconds(30));
        var state = await elector.TryAcquireOrRenewAsync(default);
        Assert.False(state.IsLeader);
        Assert.NotNull(state.Problem);
    }
}
