using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>Leader election against a small Lease API that enforces resourceVersion like the real one.</summary>
public sealed class LeaseElectorTests : IAsyncLifetime
{
    private WebApplication? _app;
    private JsonObject? _lease;
    private long _version = 1;
    private readonly Lock _gate = new();
    private Uri _url = new("http://127.0.0.1");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync() => await _app!.DisposeAsync();

    private async Task HandleAsync(HttpContext ctx)
    {
        var body = ctx.Request.ContentLength > 0 ? JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync()) as JsonObject : null;
        int status;
        JsonObject? answer;
        lock (_gate)
        {
            (status, answer) = ctx.Request.Method switch
            {
                "GET" => _lease is null ? (404, Status(404, "NotFound")) : (200, (JsonObject)_lease.DeepClone()),
                "POST" when _lease is not null => (409, Status(409, "AlreadyExists")),
                "POST" => Store(body!),
                "PUT" when (string?)body!["metadata"]!["resourceVersion"] != (string?)_lease?["metadata"]?["resourceVersion"] => (409, Status(409, "Conflict")),
                "PUT" => Store(body!),
                _ => (405, Status(405, "MethodNotAllowed")),
            };
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(answer!.ToJsonString());
    }

    private (int, JsonObject) Store(JsonObject body)
    {
        body["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _lease = body;
        return (200, (JsonObject)body.DeepClone());
    }

    private static JsonObject Status(int code, string reason) =>
        new() { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = reason, ["code"] = code, ["message"] = reason };

    private LeaseElector Elector(string identity, FakeTime time) =>
        new(new KubeClient(new KubeConnection { Server = _url }), "llm-d-monitoring", "llmd-doctor", identity, TimeSpan.FromSeconds(30), time);

    private sealed class FakeTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task One_replica_leads_the_other_stands_by_and_takes_over_after_expiry()
    {
        var time = new FakeTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
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
        Assert.Equal(1, (int)_lease!["spec"]!["leaseTransitions"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", (string)_lease["spec"]!["renewTime"]!);
    }

    [Fact]
    public async Task A_lost_race_is_standby_not_an_error()
    {
        var time = new FakeTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
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
