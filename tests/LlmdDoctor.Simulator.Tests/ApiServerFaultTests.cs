using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>
/// The fault hooks of the simulated API server (what the fault matrix switches on): off, the server answers as
/// kube-apiserver does; on, each switch changes exactly the answers it names.
/// </summary>
public sealed class ApiServerFaultTests
{
    private const string PodsPath = "/api/v1/namespaces/ns/pods";

    private static JsonObject Pod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns" },
    };

    private static byte[] Pong(string ns, string pod, int port, string requestLine) =>
        Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\npong");

    /// <summary>Each list case's faults (null = none attached); the rows name them (the fault types are internal to the simulator).</summary>
    private static readonly Dictionary<string, Action<ApiServerFaults>?> ListFaults = new(StringComparer.Ordinal)
    {
        ["no faults attached"] = null,
        ["faults attached, none switched on"] = _ => { },
        ["a failure on another path"] = f => f.Fail("/apis/apps/v1", 500, "InternalError", "etcd"),
        ["a failure on the list's path"] = f => f.Fail("/api/v1/namespaces/ns/pods", 503, "ServiceUnavailable", "down"),
        ["a failure limited to continue requests"] = f => f.Failures.Add(new ScriptedFailure("/api/v1/", 410, "Expired", "too old") { QueryContains = "continue=" }),
        ["a 429 with Retry-After"] = f => f.Fail("/api/v1/", 429, "TooManyRequests", "slow down", retryAfter: "1"),
    };

    /// <summary>(case, expected status of GET pods list). "Expect nothing" rows: no faults, faults attached but empty, other paths.</summary>
    public static TheoryData<string, HttpStatusCode> ListAnswers => new()
    {
        { "no faults attached", HttpStatusCode.OK },
        { "faults attached, none switched on", HttpStatusCode.OK },
        { "a failure on another path", HttpStatusCode.OK },
        { "a failure on the list's path", HttpStatusCode.ServiceUnavailable },
        { "a failure limited to continue requests", HttpStatusCode.OK },
        { "a 429 with Retry-After", HttpStatusCode.TooManyRequests },
    };

    [Theory]
    [MemberData(nameof(ListAnswers))]
    public async Task A_list_answer_changes_only_when_a_matching_failure_is_scripted(string name, HttpStatusCode expected)
    {
        var arrange = ListFaults[name];
        ApiServerFaults? faults = null;
        if (arrange is not null)
        {
            faults = new ApiServerFaults();
            arrange(faults);
        }

        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);
        using var response = await api.GetAsync(PodsPath, "t");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(expected == response.StatusCode, $"{name}: {(int)response.StatusCode} {body}");
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("\"kind\":\"PodList\"", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("\"kind\":\"Status\"", body, StringComparison.Ordinal);
        }

        Assert.Equal(expected == HttpStatusCode.TooManyRequests ? "1" : null, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_failure_with_times_answers_that_many_requests_then_the_real_answer_returns()
    {
        var faults = new ApiServerFaults();
        faults.Fail(PodsPath, 500, "InternalError", "etcdserver: request timed out", times: 1);
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);

        using var first = await api.GetAsync(PodsPath, "t");
        using var second = await api.GetAsync(PodsPath, "t");

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Contains("etcdserver: request timed out", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, faults.RequestsTo(PodsPath));
    }

    [Fact]
    public async Task Raw_bodies_are_sent_as_given_and_numbered_per_answer()
    {
        var faults = new ApiServerFaults();
        faults.Failures.Add(new ScriptedFailure(PodsPath, 200, "", "") { RawBodyOf = n => $"page {n}", ContentType = "application/json" });
        await using var api = await ApiHost.StartAsync([], "t", faults);

        using var first = await api.GetAsync(PodsPath, "t");
        using var second = await api.GetAsync(PodsPath, "t");

        Assert.Equal("page 1", await first.Content.ReadAsStringAsync());
        Assert.Equal("page 2", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_cut_body_ends_the_response_before_its_content_length()
    {
        var faults = new ApiServerFaults();
        faults.Failures.Add(new ScriptedFailure(PodsPath, 200, "", "") { RawBody = new string('x', 4000), CutMidBody = true });
        await using var api = await ApiHost.StartAsync([], "t", faults);

        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await api.GetAsync(PodsPath, "t");
            await response.Content.ReadAsStringAsync();
        });
    }

    [Fact]
    public async Task The_token_rotates_from_a_request_hook_and_a_null_token_turns_authentication_off()
    {
        var faults = new ApiServerFaults();
        await using var api = await ApiHost.StartAsync([Pod("a")], "old", faults);
        faults.BeforeRequest = n =>
        {
            if (n == 2)
            {
                api.Server.Token = "new";
            }
        };

        using var before = await api.GetAsync(PodsPath, "old");
        using var afterWithOld = await api.GetAsync(PodsPath, "old");
        using var afterWithNew = await api.GetAsync(PodsPath, "new");
        api.Server.Token = null;
        using var anyToken = await api.GetAsync(PodsPath, "whatever");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterWithOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterWithNew.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anyToken.StatusCode);
        Assert.Equal(["Bearer old", "Bearer old", "Bearer new", "Bearer whatever"], faults.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_delay_holds_only_the_paths_it_names()
    {
        var faults = new ApiServerFaults();
        faults.Delays["/apis/"] = TimeSpan.FromSeconds(30);
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var pods = await api.GetAsync(PodsPath, "t");
        Assert.Equal(HttpStatusCode.OK, pods.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.GetAsync("/apis/apps/v1/deployments", "t", cts.Token));
    }

    [Fact]
    public async Task A_scripted_watch_session_is_sent_line_by_line_and_the_next_watch_is_the_real_one()
    {
        var faults = new ApiServerFaults();
        faults.WatchSessions.Writer.TryWrite(["{\"type\":\"ADDED\",\"object\":", "<<garbage>>"]);
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);

        using var scripted = await api.GetAsync(PodsPath + "?watch=true&timeoutSeconds=1", "t");
        using var real = await api.GetAsync(PodsPath + "?watch=true&timeoutSeconds=1", "t");

        Assert.Equal("{\"type\":\"ADDED\",\"object\":\n<<garbage>>\n", await scripted.Content.ReadAsStringAsync());
        var line = Assert.Single((await real.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ADDED", (string?)JsonNode.Parse(line)?["type"]);
    }

    [Fact]
    public async Task Adding_an_object_of_the_same_name_replaces_it_with_a_newer_resource_version()
    {
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", null);
        var before = api.Server.CurrentResourceVersion;

        var first = api.Server.Add(Pod("b"));
        var second = api.Server.Add(Pod("b"));
        using var response = await api.GetAsync(PodsPath, "t");
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(["a", "b"], list["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Equal((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)first["metadata"]!["resourceVersion"]);
        Assert.Equal((before + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)second["metadata"]!["resourceVersion"]);
        Assert.Equal(api.Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)list["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Adding_many_objects_stays_linear()
    {
        await using var api = await ApiHost.StartAsync([Pod("seed")], "t", null);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20_000; i++)
        {
            api.Server.Add(Pod($"p{i:D5}"));
        }

        // The list store was scanned per add (20 000² / 2 comparisons); keyed by (namespace, name) it takes milliseconds.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"{started.Elapsed}");
        using var response = await api.GetAsync(PodsPath + "?limit=1", "t");
        Assert.Equal(20_000, (int?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task Mutate_changes_the_stored_object_that_the_next_get_returns()
    {
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", null);
        api.Server.Mutate("Pod", "ns", "a", o => o["spec"] = new JsonObject { ["nodeName"] = "n1" });

        using var response = await api.GetAsync(PodsPath + "/a", "t");

        Assert.Equal("n1", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["spec"]!["nodeName"]);
    }

    private static readonly Dictionary<string, PodPortAnswer?> PodAnswers = new(StringComparer.Ordinal)
    {
        ["no scripted answer: the scenario's responder"] = null,
        ["scripted HTTP answer"] = PodPortAnswer.Http(503, "busy", "text/plain"),
        ["refused inside the pod"] = new PodPortAnswer { Error = "connection refused" },
        ["lazily streamed body"] = new PodPortAnswer { Body = () => new MemoryStream(Encoding.ASCII.GetBytes(new string('z', 100_000))) },
    };

    /// <summary>(case, what the client reads at the end of the data channel, on the error channel). First row: the scenario's own responder.</summary>
    public static TheoryData<string, string, string> PortForwardAnswers => new()
    {
        { "no scripted answer: the scenario's responder", "pong", "" },
        { "scripted HTTP answer", "busy", "" },
        { "refused inside the pod", "", "connection refused" },
        { "lazily streamed body", new string('z', 100_000), "" },
    };

    [Theory]
    [MemberData(nameof(PortForwardAnswers))]
    public async Task Port_forward_sends_the_scripted_pod_answer(string name, string data, string error)
    {
        var answer = PodAnswers[name];
        var faults = new ApiServerFaults { PortForward = (_, path) => path == "/x" ? answer : null };
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);

        var (gotData, gotError) = await api.PortForwardAsync("ns", "a", 15000, "/x");

        Assert.True(gotData.EndsWith(data, StringComparison.Ordinal), $"{name}: {gotData[..Math.Min(200, gotData.Length)]}");
        Assert.Equal(error, gotError);
        Assert.Equal(["ns/a:15000 GET /x HTTP/1.1"], faults.PortForwardRequests);
    }

    [Fact]
    public async Task A_hung_port_forward_sends_nothing_until_the_client_leaves()
    {
        var faults = new ApiServerFaults { PortForward = (_, _) => new PodPortAnswer { Hang = true } };
        await using var api = await ApiHost.StartAsync([Pod("a")], "t", faults);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api.PortForwardAsync("ns", "a", 15000, "/x", cts.Token));
    }

    /// <summary>The server on plain HTTP loopback (<see cref="ApiServerHost"/>), with a client for these cases.</summary>
    private sealed class ApiHost : IAsyncDisposable
    {
        private readonly ApiServerHost _host;
        private readonly HttpClient _http = new();

        private ApiHost(ApiServerHost host) => _host = host;

        public SimulatedApiServer Server => _host.Server;

        public Uri Url => _host.Url;

        public static async Task<ApiHost> StartAsync(IReadOnlyList<JsonObject> objects, string? token, ApiServerFaults? faults) =>
            new(await ApiServerHost.StartAsync(new SimulatedApiServer(objects, token, Pong) { Faults = faults }));

        public Task<HttpResponseMessage> GetAsync(string pathAndQuery, string token, CancellationToken ct = default)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url, pathAndQuery));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return _http.SendAsync(request, ct);
        }

        /// <summary>One HTTP request through v4.channel.k8s.io; returns what arrived on the data and error channels after the port frames.</summary>
        public async Task<(string Data, string Error)> PortForwardAsync(string ns, string pod, int port, string path, CancellationToken ct = default)
        {
            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("v4.channel.k8s.io");
            socket.Options.SetRequestHeader("Authorization", "Bearer t");
            await socket.ConnectAsync(new Uri($"ws://{Url.Authority}/api/v1/namespaces/{ns}/pods/{pod}/portforward?ports={port}"), ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"\0GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"), WebSocketMessageType.Binary, true, ct);
            var data = new StringBuilder();
            var error = new StringBuilder();
            var seen = new int[2];
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, ct);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (data.ToString(), error.ToString());
                }

                var bytes = frame.ToArray();
                if (bytes.Length == 0 || bytes[0] > 1 || seen[bytes[0]]++ == 0)
                {
                    continue; // the first frame of each channel is its port number
                }

                (bytes[0] == 0 ? data : error).Append(Encoding.ASCII.GetString(bytes, 1, bytes.Length - 1));
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _host.DisposeAsync();
        }
    }
}
