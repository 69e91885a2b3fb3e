using System.Globalization;
using LlmdDoctor.Kubernetes.Tests.Fake;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class KubeWatchTests : IAsyncLifetime
{
    private FakeApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync();
        _server.Add(Objects.Pod("llm", "vllm-0", ("app", "vllm")));
        _server.Add(Objects.Pod("llm", "vllm-1", ("app", "vllm")));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<List<WatchEvent>> TakeAsync(int count, string? resourceVersion = null)
    {
        using var client = new KubeClient(new KubeConnection { Server = _server.Url });
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
        [.. _server.Requests.Where(r => r.PathAndQuery.Contains("watch=1", StringComparison.Ordinal)).Select(r => r.PathAndQuery)];

    [Fact]
    public async Task Starts_with_a_list_then_streams_events_and_resumes_after_a_closed_stream_from_the_last_bookmark()
    {
        var listVersion = _server.CurrentResourceVersion;
        await _server.WatchSessions.Writer.WriteAsync(
        [
            FakeApiServer.Event("ADDED", Objects.Pod("llm", "vllm-2")),
            FakeApiServer.Bookmark(5555, "v1", "Pod"),
        ]);
        await _server.WatchSessions.Writer.WriteAsync([FakeApiServer.Event("DELETED", Objects.Pod("llm", "vllm-0"))]);

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
        _server.WatchGoneBelow = 900_000;

        var first = await TakeAsync(1, resourceVersion: "12");

        Assert.Equal(WatchEventType.Relisted, first[0].Type);
        Assert.Equal(2, first[0].Items.Count);
        Assert.Contains(_server.Requests, r => r.PathAndQuery.StartsWith("/api/v1/namespaces/llm/pods?limit=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Error_event_410_relists_and_resumes_from_the_new_list()
    {
        await _server.WatchSessions.Writer.WriteAsync([FakeApiServer.GoneEvent()]);
        await _server.WatchSessions.Writer.WriteAsync([FakeApiServer.Event("MODIFIED", Objects.Pod("llm", "vllm-1"))]);
        _server.Add(Objects.Pod("llm", "vllm-3"));

        var events = await TakeAsync(2, resourceVersion: "1001");

        Assert.Equal([WatchEventType.Relisted, WatchEventType.Modified], events.Select(e => e.Type));
        Assert.Equal(3, events[0].Items.Count);
        Assert.Contains($"resourceVersion={_server.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture)}", WatchQueries()[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json", "line 1 is not JSON")]
    [InlineData("{\"kind\":\"Pod\"}", "line 1 is not a watch event")]
    [InlineData("{\"type\":\"RENAMED\",\"object\":{}}", "unknown event type \"RENAMED\"")]
    public async Task Garbage_on_the_stream_ends_the_watch_with_a_clear_error(string line, string expected)
    {
        await _server.WatchSessions.Writer.WriteAsync([line]);

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => TakeAsync(5, resourceVersion: "1001"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/namespaces/llm/pods?watch=1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_event_other_than_410_fails_with_its_message()
    {
        await _server.WatchSessions.Writer.WriteAsync([FakeApiServer.Event("ERROR", new System.Text.Json.Nodes.JsonObject
        {
            ["kind"] = "Status",
            ["code"] = 500,
            ["message"] = "etcd is sad",
        })]);

        var ex = await Assert.ThrowsAsync<KubeApiException>(() => TakeAsync(5, resourceVersion: "1001"));

        Assert.Contains("etcd is sad", ex.Message, StringComparison.Ordinal);
    }
}
