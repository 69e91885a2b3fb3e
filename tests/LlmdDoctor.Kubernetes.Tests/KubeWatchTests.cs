using System.Globalization;
using System.Text.Json.Nodes;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class KubeWatchTests : IAsyncLifetime
{
    private ApiServerHost _api = null!;

    private ApiServerFaults Faults => _api.Server.Faults!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync();
        _api.Server.Add(Objects.Pod("llm", "vllm-0", ("app", "vllm")));
        _api.Server.Add(Objects.Pod("llm", "vllm-1", ("app", "vllm")));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>A watch event line as the API server writes it.</summary>
    private static string Event(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();

    private static string Bookmark(long resourceVersion, string apiVersion, string kind) => Event("BOOKMARK", new JsonObject
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
    });

    /// <summary>
    /// What kube-apiserver's watch cache sends for a resourceVersion older than its window: HTTP 200, then one ERROR event
    /// with a 410 Expired Status (kubernetes staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go@68afedf6cade,
    /// Cacher.Watch: "other errors must fail with a watch event of type ERROR, rather than a directly returned error").
    /// </summary>
    private static string GoneEvent() => Event("ERROR", SimulatedApiServer.StatusBody(410, "Expired", "too old resource version: 1 (2000)"));

    private async Task<List<WatchEvent>> TakeAsync(int count, string? resourceVersion = null)
    {
        using var client = new KubeClient(new KubeConnection { Server = _api.Url });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<WatchEvent>();
        await foreach (var e in client.WatchAsync(KubeResource.Pods, new ListOptions { Namespace = "llm" }, resourceVersion, timeout.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private List<string> WatchQueries() =>
        [.. _api.Server.Requests.Where(r => r.PathAndQuery.Contains("watch=1", StringComparison.Ordinal)).Select(r => r.PathAndQuery)];

    [Fact]
    public async Task Starts_with_a_list_then_streams_events_and_resumes_after_a_closed_stream_from_the_last_bookmark()
    {
        var listVersion = _api.Server.CurrentResourceVersion;
        await Faults.WatchSessions.Writer.WriteAsync(
        [
            Event("ADDED", Objects.Pod("llm", "vllm-2")),
            Bookmark(5555, "v1", "Pod"),
        ]);
        await Faults.WatchSessions.Writer.WriteAsync([Event("DELETED", Objects.Pod("llm", "vllm-0"))]);

        var events = await TakeAsync(4);

        Assert.Equal([WatchEventType.Relisted, WatchEventType.Added, WatchEventType.Bookmark, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(2, events[0].Items.Count);
        Assert.Equal("vllm-2", (string?)events[1].Object!["metadata"]!["name"]);
        var watches = WatchQueries();
        Assert.Contains($"resourceVersion={listVersion}", watches[0], StringComparison.Ordinal);
        Assert.Contains("allowWatchBookmarks=true", watches[0], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=5555", watches[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_410_on_the_watch_relists_and_resumes()
    {
        // An HTTP 410 on the watch request itself (a server without the watch cache, or a proxy in front): every watch
        // below resourceVersion 900000 is refused.
        Faults.Failures.Add(new ScriptedFailure("/api/v1/namespaces/llm/pods", 410, "Expired", "too old resource version: 12 (900000)") { QueryContains = "watch=1" });

        var first = await TakeAsync(1, resourceVersion: "12");

        Assert.Equal(WatchEventType.Relisted, first[0].Type);
        Assert.Equal(2, first[0].Items.Count);
        Assert.Contains(_api.Server.Requests, r => r.PathAndQuery.StartsWith("/api/v1/namespaces/llm/pods?limit=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Error_event_410_relists_and_resumes_from_the_new_list()
    {
        await Faults.WatchSessions.Writer.WriteAsync([GoneEvent()]);
        await Faults.WatchSessions.Writer.WriteAsync([Event("MODIFIED", Objects.Pod("llm", "vllm-1"))]);
        _api.Server.Add(Objects.Pod("llm", "vllm-3"));

        var events = await TakeAsync(2, resourceVersion: "1001");

        Assert.Equal([WatchEventType.Relisted, WatchEventType.Modified], events.Select(e => e.Type));
        Assert.Equal(3, events[0].Items.Count);
        Assert.Contains($"resourceVersion={_api.Server.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture)}", WatchQueries()[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json", "line 1 is not JSON")]
    [InlineData("{\"kind\":\"Pod\"}", "line 1 is not a watch event")]
    [InlineData("{\"type\":\"RENAMED\",\"object\":{}}", "unknown event type \"RENAMED\"")]
    public async Task Garbage_on_the_stream_ends_the_watch_with_a_clear_error(string line, string expected)
    {
        await Faults.WatchSessions.Writer.WriteAsync([line]);

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => TakeAsync(5, resourceVersion: "1001"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/namespaces/llm/pods?watch=1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_event_other_than_410_fails_with_its_message()
    {
        await Faults.WatchSessions.Writer.WriteAsync([Event("ERROR", new JsonObject
        {
            ["kind"] = "Status",
            ["code"] = 500,
            ["message"] = "etcd is sad",
        })]);

        var ex = await Assert.ThrowsAsync<KubeApiException>(() => TakeAsync(5, resourceVersion: "1001"));

        Assert.Contains("etcd is sad", ex.Message, StringComparison.Ordinal);
    }
}
