using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>
/// A List answer that is not what the API server sends ends that list with <see cref="KubeUnavailableException"/>
/// naming the page URL and the reason, never another exception; loops and unbounded lists are cut.
/// </summary>
public sealed class KubeListAnswerTests : IAsyncLifetime
{
    private ApiServerHost _api = null!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync();
        for (var i = 0; i < 9; i++)
        {
            _api.Server.Add(Objects.Pod("llm", $"vllm-{i}", ("app", "vllm")));
        }
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>Every pods list gets this body with 200 (what a broken proxy or server in front of the API could send).</summary>
    private void Answer(string body) =>
        _api.Server.Faults!.Failures.Add(new ScriptedFailure("/api/v1/pods", 200, "", "") { RawBody = body, ContentType = "application/json" });

    private KubeClient Client(KubeClientOptions? options = null) => new(new KubeConnection { Server = _api.Url }, options);

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "duplicate key in one pod", """{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"a","name":"b"}}]}""", "Duplicate" },
        { "numeric continue", """{"kind":"PodList","metadata":{"continue":12},"items":[]}""", "metadata.continue is number, not a string" },
        { "numeric resourceVersion", """{"kind":"PodList","metadata":{"resourceVersion":7},"items":[]}""", "metadata.resourceVersion is number, not a string" },
        { "non-object item", """{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"a"}},"pod"]}""", "items[1] is string, not an object" },
        { "null item", """{"kind":"PodList","metadata":{},"items":[null]}""", "items[0] is null, not an object" },
        { "items is an object", """{"kind":"PodList","metadata":{},"items":{"a":1}}""", "not a List" },
        { "metadata is an array", """{"kind":"PodList","metadata":[],"items":[]}""", "metadata is array, not an object" },
        { "answer is an array", """[{"metadata":{"name":"a"}}]""", "not a List" },
        { "nested 200 levels deep", "{\"kind\":\"PodList\",\"items\":[" + new string('[', 200) + new string(']', 200) + "]}", "not JSON" },
        { "truncated", """{"kind":"PodList","items":[{"metadata":""", "not JSON" },
        { "a Status with 200", """{"kind":"Status","status":"Failure","message":"upstream connect error"}""", "a Status, not a List: upstream connect error" },
        { "an item of another kind", """{"kind":"PodList","items":[{"kind":"Gateway","apiVersion":"gateway.networking.k8s.io/v1","metadata":{"name":"g"}}]}""", "items[0] claims to be kind Gateway, not a Pod v1" },
        { "an item of another version", """{"kind":"PodList","items":[{"kind":"Pod","apiVersion":"v2","metadata":{"name":"p"}}]}""", "items[0] claims to be apiVersion v2" },
        { "an item whose kind is a number", """{"kind":"PodList","items":[{"kind":7,"metadata":{"name":"p"}}]}""", "kind of JSON type number" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_page_is_unavailable_naming_url_and_reason(string fault, string body, string reason)
    {
        Answer(body);
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.True(ex.Message.Contains(reason, StringComparison.OrdinalIgnoreCase), $"{fault}: {ex.Message}");
        Assert.Contains($"{_api.Url}api/v1/pods?limit=500", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Well_formed_page_with_every_optional_field_absent_is_read()
    {
        Answer("""{"items":[{"metadata":{"name":"a"}},{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"}}]}""");
        using var client = Client();

        var list = await client.ListAsync(KubeResource.Pods);

        Assert.Equal(["Pod", "Pod"], list.Items.Select(i => (string?)i["kind"]));
        Assert.Null(list.ResourceVersion);
    }

    [Fact]
    public async Task Repeated_continue_token_stops_as_a_pagination_loop()
    {
        Answer("""{"kind":"PodList","metadata":{"continue":"c2FtZQ=="},"items":[{"metadata":{"name":"a"}}]}""");
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.Contains("pagination loops", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _api.Server.Requests.Count(r => r.PathAndQuery.StartsWith("/api/v1/pods", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(4, 2, false)]
    [InlineData(5, 2, true)]
    public async Task Page_cap_stops_a_list_with_more_pages(int maxPages, int pageSize, bool fits)
    {
        using var client = Client(new KubeClientOptions { PageSize = pageSize, MaxListPages = maxPages });

        if (fits)
        {
            Assert.Equal(9, (await client.ListAsync(KubeResource.Pods)).Items.Count);
            return;
        }

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));
        Assert.Contains("more than 4 pages of 2 (the page cap)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, _api.Server.Requests.Count(r => r.PathAndQuery.StartsWith("/api/v1/pods", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(9, true)]
    public async Task Item_cap_stops_a_list_with_more_items(int maxItems, bool fits)
    {
        using var client = Client(new KubeClientOptions { PageSize = 4, MaxListItems = maxItems });

        if (fits)
        {
            Assert.Equal(9, (await client.ListAsync(KubeResource.Pods)).Items.Count);
            return;
        }

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));
        Assert.Contains("more than 8 items (the cap per kind)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_caps_are_the_documented_ones()
    {
        var options = new KubeClientOptions();

        Assert.Equal(1000, options.MaxListPages);
        Assert.Equal(100_000, options.MaxListItems);
    }

    [Fact]
    public async Task Each_item_is_handed_over_as_its_page_arrives()
    {
        using var client = Client(new KubeClientOptions { PageSize = 4 });
        var seen = new PageWitness(_api.Server);

        await client.ListEachAsync(KubeResource.Pods, null, seen);

        // Item 1 arrived after one page request, item 9 after three: pages are not gathered first.
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3], seen.RequestsWhenAdded);
    }

    private sealed class PageWitness(SimulatedApiServer server) : IListItems
    {
        public List<int> RequestsWhenAdded { get; } = [];

        public void Add(System.Text.Json.Nodes.JsonObject item) =>
            RequestsWhenAdded.Add(server.Requests.Count(r => r.PathAndQuery.StartsWith("/api/v1/pods", StringComparison.Ordinal)));

        public void Clear() => RequestsWhenAdded.Clear();
    }
}
