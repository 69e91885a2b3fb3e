using System.Text;
using LlmdDoctor.Simulator;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class PortForwardTests : IAsyncLifetime
{
    private const string Token = "sha256~port-forward-token";
    private static readonly string LargeDump = "{\"configs\":[" + string.Join(",", Enumerable.Range(0, 400).Select(i => $"{{\"n\":{i}}}")) + "]}";
    private readonly SimulatorCertificates _pki = new();
    private ApiServerHost _api = null!;

    private ApiServerFaults Faults => _api.Server.Faults!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync(_pki.Server, pods: Envoy);
        _api.Server.Add(Objects.Pod("openshift-ingress", "maas-gateway-abc"));
        _api.Server.Token = Token;
        // Small frames, so the chunked config dump arrives over several of them.
        _api.Server.PortForwardFrameBytes = 1000;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _pki.Dispose();
    }

    /// <summary>What the gateway pod's admin port answers; on /error nothing listens (the kubelet reports connection refused).</summary>
    private static byte[]? Envoy(string ns, string pod, int port, string requestLine) => (requestLine.Split(' ') is [_, var target, ..] ? target : "/") switch
    {
        "/error" => null,
        var path => Encoding.ASCII.GetBytes(path switch
        {
            "/config_dump" => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + string.Concat(LargeDump.Chunk(700).Select(c => $"{c.Length:x}\r\n{new string(c)}\r\n")) + "0\r\n\r\n",
            "/server_info" => "HTTP/1.1 200 OK\r\nContent-Length: 28\r\n\r\n{\"version\":\"x/1.34.1/Clean\"}trailing-bytes-after-the-body",
            "/stats" => "HTTP/1.1 200 OK\r\n\r\ncluster_manager.cluster_added: 5\n",
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found",
        }),
    };

    private KubeClient Client() => new(new KubeConnection
    {
        Server = _api.Url,
        CertificateAuthorities = [_pki.Ca],
        Credentials = new StaticCredentialSource(new KubeCredential(Token, null)),
    });

    [Theory]
    [InlineData("/config_dump", 200, null)]
    [InlineData("/server_info", 200, "{\"version\":\"x/1.34.1/Clean\"}")]
    [InlineData("/stats", 200, "cluster_manager.cluster_added: 5\n")]
    [InlineData("/nothing", 404, "not found")]
    public async Task Get_through_the_tunnel_returns_status_and_body(string path, int status, string? body)
    {
        using var client = Client();

        using var response = await client.PortForwardGetAsync("openshift-ingress", "maas-gateway-abc", 15000, path);

        Assert.Equal(status, response.StatusCode);
        var text = await new StreamReader(response.Body).ReadToEndAsync();
        Assert.Equal(body ?? LargeDump, text);
        Assert.Contains($"openshift-ingress/maas-gateway-abc:15000 GET {path} HTTP/1.1", Faults.PortForwardRequests);
    }

    [Fact]
    public async Task Kubelet_error_channel_becomes_a_clear_error()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.PortForwardGetAsync("openshift-ingress", "maas-gateway-abc", 15000, "/error"));

        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maas-gateway-abc:15000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(403, typeof(KubeForbiddenException))]
    [InlineData(500, typeof(KubeUnavailableException))]
    public async Task Refused_upgrade_maps_to_typed_errors(int status, Type expected)
    {
        Faults.Fail("/api/v1/namespaces/openshift-ingress/pods/maas-gateway-abc/portforward", status, "Forbidden", "cannot create pods/portforward");
        using var client = Client();

        var ex = await Assert.ThrowsAnyAsync<KubeApiException>(() => client.PortForwardGetAsync("openshift-ingress", "maas-gateway-abc", 15000, "/stats"));

        Assert.IsType(expected, ex);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_over_the_size_limit_is_refused()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => client.PortForwardGetAsync("openshift-ingress", "maas-gateway-abc", 15000, "/config_dump", maxBytes: 1024));

        Assert.Contains("larger than 1024 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slow_tunnel_times_out()
    {
        Faults.Delays["/api/v1/namespaces/openshift-ingress/pods/maas-gateway-abc/portforward"] = TimeSpan.FromSeconds(10);
        using var client = Client();

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() =>
            client.PortForwardGetAsync("openshift-ingress", "maas-gateway-abc", 15000, "/stats", timeout: TimeSpan.FromMilliseconds(300)));

        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
    }
}
