using System.Net;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class KubeClientTests : IAsyncLifetime
{
    private ApiServerHost _api = null!;

    private ApiServerFaults Faults => _api.Server.Faults!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            _api.Server.Add(Objects.Pod("llm", $"vllm-{i}", ("app", "vllm"), ("role", i % 2 == 0 ? "decode" : "prefill")));
        }

        _api.Server.Add(Objects.Pod("llm", "epp-0", ("app", "epp")));
        _api.Server.Add(Objects.Pod("other", "web-0", ("app", "web")));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private KubeClient Client(KubeClientOptions? options = null) =>
        new(new KubeConnection { Server = _api.Url }, options);

    [Theory]
    [InlineData(null, null, 9)]
    [InlineData("llm", null, 8)]
    [InlineData("llm", "app=vllm", 7)]
    [InlineData(null, "app=vllm,role=decode", 4)]
    [InlineData(null, "app in (epp,web)", 2)]
    [InlineData(null, "app!=vllm", 2)]
    [InlineData("other", "app=vllm", 0)]
    [InlineData("nowhere", null, 0)]
    public async Task List_follows_pages_and_honours_namespace_and_selector(string? ns, string? selector, int expected)
    {
        using var client = Client(new KubeClientOptions { PageSize = 2 });

        var list = await client.ListAsync(KubeResource.Pods, new ListOptions { Namespace = ns, LabelSelector = selector });

        Assert.Equal(expected, list.Items.Count);
        Assert.All(list.Items, p => Assert.Equal("Pod", (string?)p["kind"]));
        Assert.All(list.Items, p => Assert.Equal("v1", (string?)p["apiVersion"]));
        Assert.Equal(_api.Server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), list.ResourceVersion);
        var pages = _api.Server.Requests.Count(r => r.PathAndQuery.Contains("/pods?limit=2", StringComparison.Ordinal));
        Assert.Equal(Math.Max(1, (expected + 1) / 2), pages);
    }

    [Fact]
    public async Task List_sends_continue_token_from_previous_page()
    {
        using var client = Client(new KubeClientOptions { PageSize = 4 });

        await client.ListAsync(KubeResource.Pods);

        var queries = _api.Server.Requests.Where(r => r.PathAndQuery.StartsWith("/api/v1/pods", StringComparison.Ordinal)).Select(r => r.PathAndQuery).ToList();
        Assert.Equal(3, queries.Count);
        Assert.DoesNotContain("continue=", queries[0], StringComparison.Ordinal);
        Assert.Contains("continue=", queries[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vllm-3", true)]
    [InlineData("missing", false)]
    public async Task Get_returns_the_object_or_null_on_404(string name, bool exists)
    {
        using var client = Client();

        var pod = await client.GetAsync(KubeResource.Pods, "llm", name);

        Assert.Equal(exists, pod is not null);
        if (exists)
        {
            Assert.Equal(name, (string?)pod!["metadata"]!["name"]);
        }
    }

    [Theory]
    [InlineData(401, "Unauthorized", typeof(KubeUnauthorizedException))]
    [InlineData(403, "Forbidden", typeof(KubeForbiddenException))]
    [InlineData(404, "NotFound", typeof(KubeNotFoundException))]
    [InlineData(410, "Expired", typeof(KubeGoneException))]
    [InlineData(500, "InternalError", typeof(KubeUnavailableException))]
    [InlineData(503, "ServiceUnavailable", typeof(KubeUnavailableException))]
    [InlineData(422, "Invalid", typeof(KubeApiException))]
    public async Task Status_errors_map_to_typed_exceptions_naming_url_and_reason(int status, string reason, Type expected)
    {
        Faults.Fail("/api/v1/pods", status, reason, $"pods is {reason.ToLowerInvariant()} for the doctor");
        using var client = Client();

        var ex = await Assert.ThrowsAnyAsync<KubeApiException>(() => client.ListAsync(KubeResource.Pods));

        Assert.IsType(expected, ex);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(reason, ex.Reason);
        Assert.Contains($"{_api.Url}api/v1/pods?limit=500", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"pods is {reason.ToLowerInvariant()} for the doctor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_without_a_status_body_still_names_the_http_status()
    {
        Faults.Failures.Add(new ScriptedFailure("/api/v1/pods", 502, "", "") { RawBody = "<html>bad gateway</html>", ContentType = "text/html" });
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.Contains("502", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_is_retried_once_after_retry_after()
    {
        Faults.Fail("/api/v1/namespaces/other/pods", 429, "TooManyRequests", "slow down", times: 1, retryAfter: "1");
        using var client = Client();
        var started = DateTime.UtcNow;

        var list = await client.ListAsync(KubeResource.Pods, new ListOptions { Namespace = "other" });

        Assert.Single(list.Items);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900), "the client waited for Retry-After");
    }

    [Fact]
    public async Task Too_many_requests_twice_fails_and_the_wait_is_bounded()
    {
        Faults.Fail("/api/v1/pods", 429, "TooManyRequests", "slow down", retryAfter: "3600");
        using var client = Client(new KubeClientOptions { MaxRetryAfter = TimeSpan.FromMilliseconds(200) });
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.Equal(2, _api.Server.Requests.Count(r => r.PathAndQuery.StartsWith("/api/v1/pods", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Slow_answer_times_out_with_the_url()
    {
        Faults.Delays["/api/v1/services"] = TimeSpan.FromSeconds(10);
        using var client = Client(new KubeClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Services));

        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/services", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_then_a_stalled_body_end_at_the_request_timeout()
    {
        // A raw peer: a complete status line and headers, half a List, then nothing (the deadline must cover the body).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var peer = Task.Run(async () =>
        {
            try
            {
                using var socket = await listener.AcceptTcpClientAsync(stop.Token);
                var stream = socket.GetStream();
                _ = await stream.ReadAsync(new byte[8192], stop.Token);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"kind\":\"PodList\",\"items\":["u8.ToArray(), stop.Token);
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
            {
            }
        });
        using var client = new KubeClient(new KubeConnection { Server = new Uri($"http://127.0.0.1:{port}") },
            new KubeClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(500) });

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods).WaitAsync(TimeSpan.FromSeconds(20)));
        await stop.CancelAsync();
        await peer;

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/pods", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_larger_than_the_bound_is_refused_clearly()
    {
        using var client = Client(new KubeClientOptions { MaxResponseBytes = 512 });

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_unavailable_with_the_url()
    {
        var port = FreePort();
        using var client = new KubeClient(new KubeConnection { Server = new Uri($"http://127.0.0.1:{port}") });

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.ListAsync(KubeResource.Pods));

        Assert.Contains($"127.0.0.1:{port}/api/v1/pods", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task Token_is_sent_as_bearer_and_never_appears_in_errors()
    {
        const string token = "sha256~very-secret-token";
        _api.Server.Token = token;
        Faults.Fail("/api/v1/services", 403, "Forbidden", "services is forbidden");
        using var client = new KubeClient(new KubeConnection
        {
            Server = _api.Url,
            Credentials = new StaticCredentialSource(new KubeCredential(token, null)),
        });

        var pods = await client.ListAsync(KubeResource.Pods, new ListOptions { Namespace = "other" });
        var ex = await Assert.ThrowsAsync<KubeForbiddenException>(() => client.ListAsync(KubeResource.Services));

        Assert.Single(pods.Items);
        Assert.Contains(token, _api.BearerTokens());
        Assert.DoesNotContain(token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_listed_as_metadata_only_with_inferred_type()
    {
        _api.Server.Add(Objects.Secret("llm", "grafana-thanos-token", serviceAccount: "grafana-thanos"));
        _api.Server.Add(Objects.Secret("llm", "plain"));
        using var client = Client();

        var list = await client.ListSecretMetadataAsync();

        var request = _api.Server.Requests.Single(r => r.PathAndQuery.StartsWith("/api/v1/secrets", StringComparison.Ordinal));
        Assert.StartsWith("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", request.Accept, StringComparison.Ordinal);
        Assert.Equal(2, list.Items.Count);
        var sa = list.Items.Single(s => (string?)s["metadata"]!["name"] == "grafana-thanos-token");
        Assert.Equal("kubernetes.io/service-account-token", (string?)sa["type"]);
        Assert.Null(list.Items.Single(s => (string?)s["metadata"]!["name"] == "plain")["type"]);
        Assert.All(list.Items, s =>
        {
            Assert.Equal("Secret", (string?)s["kind"]);
            Assert.Null(s["data"]);
            Assert.DoesNotContain("c2VjcmV0LXRva2VuLXZhbHVl", s.ToJsonString(), StringComparison.Ordinal);
        });
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
