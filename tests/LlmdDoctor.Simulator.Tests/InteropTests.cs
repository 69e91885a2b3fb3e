using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Simulator.Tests;

public sealed class NoReadyPodsFixture() : ClusterFixture("epp-no-ready-pods");

/// <summary>The simulated EPP against a real gRPC client (grpcio), and a simulated gateway against a real gRPC ext_proc server.</summary>
public sealed partial class InteropTests(HealthyFixture healthy, NoReadyPodsFixture noReady) : IClassFixture<HealthyFixture>, IClassFixture<NoReadyPodsFixture>
{
    private const string Picker = "qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    [Fact]
    public async Task Grpcio_client_holds_a_full_duplex_conversation_with_the_simulated_epp()
    {
        var result = await RunClientAsync(healthy.Cluster, "route");

        Assert.Equal(["request_headers", "request_body", "response_headers"], result.GetProperty("messages").EnumerateArray().Select(m => m.GetString()!).Distinct());
        var headers = result.GetProperty("set_headers");
        Assert.Equal("10.130.2.9:8000", headers.GetProperty("x-gateway-destination-endpoint").GetString());
        Assert.Equal("10.130.2.9:8000", result.GetProperty("metadata").GetString());
        Assert.True(result.GetProperty("clear_route_cache").GetBoolean());
        Assert.Equal("grpcio-1", headers.GetProperty("x-request-id").GetString());
        var body = result.GetProperty("body").GetString()!;
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), headers.GetProperty("Content-Length").GetString());
        // GIE re-marshals: same JSON, keys sorted, compact.
        Assert.Equal("""{"max_tokens":4,"messages":[{"content":"hello from grpcio","role":"user"}],"model":"Qwen/Qwen3-0.6B","stream":false}""", body);
        Assert.Equal("true", result.GetProperty("response_headers").GetProperty("x-went-into-resp-headers").GetString());
        Assert.Equal("SERVING", result.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Grpcio_client_gets_the_503_immediate_response_when_no_pod_is_ready()
    {
        var result = await RunClientAsync(noReady.Cluster, "503");

        var immediate = result.GetProperty("immediate");
        Assert.Equal(503, immediate.GetProperty("status").GetInt32());
        Assert.Equal("inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request", immediate.GetProperty("body").GetString());
        // GIE's health reflects the pool having synced, not ready pods (cmd/epp/runner/health.go @v1.0.0).
        Assert.Equal("SERVING", result.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Simulated_gateway_routes_through_a_real_grpcio_ext_proc_server()
    {
        PythonInterop.EnsureModules();
        var psi = new ProcessStartInfo(PythonInterop.Python, ["-u", Path.Combine(PythonInterop.SharedInteropDirectory, "epp_server.py"), "--endpoint", "10.130.2.9:8000"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PythonInterop.SharedInteropDirectory,
            Environment = { ["PYTHONDONTWRITEBYTECODE"] = "1" },
        };
        using var process = Process.Start(psi)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
            {
            }

            var match = ReadyLine().Match(line ?? "");
            if (!match.Success)
            {
                process.StandardInput.Close();
                Assert.Fail("epp_server.py did not start: " + await process.StandardError.ReadToEndAsync());
            }

            var gateway = healthy.Cluster.Gateways.Single(g => g.Name == "openshift-ai-inference");
            gateway.EndpointPickerOverride = new Uri($"http://127.0.0.1:{match.Groups[1].Value}");
            try
            {
                using var client = healthy.TrustingClient();
                using var response = await client.PostAsync(new Uri(healthy.Gateway("openshift-ai-inference"), "/my-first-model/qwen3-0-6b/v1/chat/completions"), Clients.Json(Clients.Chat));

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-went-into-resp-headers")));
                Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Contains(gateway.Log, l => l.Contains("EPP picked 10.130.2.9:8000", StringComparison.Ordinal));
            }
            finally
            {
                gateway.EndpointPickerOverride = null;
            }
        }
        finally
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<JsonElement> RunClientAsync(SimulatedCluster cluster, string mode)
    {
        PythonInterop.EnsureModules();
        var certificate = Path.Combine(Path.GetTempPath(), $"llmd-sim-epp-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(certificate, cluster.Certificates.EndpointPicker);
        try
        {
            var extProc = cluster.ServiceAddresses[$"{Picker}:9002"];
            var health = cluster.ServiceAddresses[$"{Picker}:9003"];
            var (code, stdout, stderr) = await PythonInterop.RunAsync(
                ["-u", PythonInterop.ClientScript, PythonInterop.SharedInteropDirectory, extProc.Authority, certificate, health.Authority, mode], TimeSpan.FromSeconds(60));
            Assert.True(code == 0, $"epp_client.py exited {code}: {stderr}");
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(certificate);
        }
    }

    [GeneratedRegex(@"^READY h2c=(\d+) tls=(\d+) http1=(\d+)")]
    private static partial Regex ReadyLine();
}
