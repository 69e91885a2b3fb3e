using System.Text;
using Microsoft.AspNetCore.Http;
using LlmdDoctor.Faults.Tests.Harness;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>Faults of the gateway and the model behind it, seen by the probes of <c>llmd-doctor check</c> (probe timeout 1.5 s).</summary>
public static class GatewayCases
{
    private const string Area = "Gateways/models";

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "none (control: gateway, EPP header and model answer)", "probes pass; no probe finding", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CheckAsync();
            foreach (var code in new[] { "LLMD0401", "LLMD0402", "LLMD0403", "LLMD0404", "LLMD0405", "LLMD0406", "LLMD0407", "LLMD0408", "LLMD0409", "LLMD0001", "LLMD0002", "LLMD0003" })
            {
                Expect.NoFinding(outcome, code);
            }

            Assert.Contains(lab.Gateway.Received, r => r.Method == "POST" && r.Path.EndsWith("/v1/chat/completions", StringComparison.Ordinal));
        }),

        new(Area, "connection refused", "names the gateway, the probe and 'refused'", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = $"http://127.0.0.1:{Ports.Closed()}";
            var outcome = await lab.CheckAsync();
            var f = Expect.Finding(outcome, "LLMD0404", "reason", "refused");
            Assert.Equal("openshift-ai-inference", f.Subject.Name);
        }),

        new(Area, "reset mid-body", "names the probe and 'reset' (the answer was cut)", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = async (r, s, ct) =>
            {
                await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"object\":\"list\",\"data\":[{\"id\""), ct);
                await s.FlushAsync(ct);
            };
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "reason", "reset");
        }),

        new(Area, "slowloris (1 byte/s)", "cuts each probe at the probe timeout and names the phase", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = async (r, s, ct) =>
            {
                foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"object\":\"list\"}"))
                {
                    await s.WriteAsync(new[] { b }, ct);
                    await s.FlushAsync(ct);
                    await Task.Delay(1000, ct);
                }
            };
            var outcome = await lab.CheckAsync();
            var f = Expect.Finding(outcome, "LLMD0404", "reason", "timeout");
            Assert.Contains("1500 ms", f.Evidence["detail"], StringComparison.Ordinal);
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"the run took {outcome.Elapsed}");
        }),

        new(Area, "1 GB response", "stops reading at the 1 MiB body cap and names it 'too large'; memory stays flat", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = async (r, s, ct) =>
            {
                await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"), ct);
                var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
                for (long sent = 0; sent < 1L << 30; sent += chunk.Length)
                {
                    await s.WriteAsync(chunk, ct);
                }
            };
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 150);
            var f = Expect.Finding(outcome, "LLMD0404", "reason", "too large");
            Assert.Contains("content-length 1073741824", f.Evidence["detail"], StringComparison.Ordinal);
        }),

        new(Area, "invalid JSON from /v1/models", "says the model list is unusable, with the excerpt", "LLMD0408", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 200, "{\"object\":\"list\",\"data\":[{\"id\":", ct: ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0408", "probe", "models");
        }),

        new(Area, "wrong content type (HTML login page, 200)", "says the model list is not an OpenAI answer", "LLMD0408", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 200, "<html><body><form action=\"/oauth/sign_in\">Log in</form></body></html>", "text/html", ct: ct);
            var outcome = await lab.CheckAsync();
            var f = Expect.Finding(outcome, "LLMD0408", "probe", "models");
            Assert.Contains("200", f.Evidence["detail"], StringComparison.Ordinal);
        }),

        new(Area, "TLS certificate for another host", "names the probe and 'tls' (name mismatch)", "LLMD0404", async () =>
        {
            await using var gateway = new RawServer(HealthyCluster.HealthyGateway, Certificates.Signed("gateway.other.example"));
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = gateway.Url;
            lab.GatewayOverrideExtra = $"caFile: {WriteCa(lab)}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "reason", "tls");
        }),

        new(Area, "TLS certificate expired", "names the probe and 'tls' (expired)", "LLMD0404", async () =>
        {
            await using var gateway = new RawServer(HealthyCluster.HealthyGateway, Certificates.Signed(expired: true));
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = gateway.Url;
            lab.GatewayOverrideExtra = $"caFile: {WriteCa(lab)}";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "reason", "tls");
        }),

        new(Area, "TLS self-signed certificate", "names the probe and 'tls' (untrusted); insecureSkipVerify is never implied", "LLMD0404", async () =>
        {
            await using var gateway = new RawServer(HealthyCluster.HealthyGateway, Certificates.SelfSigned());
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = gateway.Url;
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "reason", "tls");
            Assert.Empty(gateway.Received);
        }),

        new(Area, "TLS trusted through caFile (control)", "probes pass over TLS", "none", async () =>
        {
            await using var gateway = new RawServer(HealthyCluster.HealthyGateway, Certificates.Signed());
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = gateway.Url;
            lab.GatewayOverrideExtra = $"caFile: {WriteCa(lab)}";
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0404");
            Expect.NoFinding(outcome, "LLMD0408");
            Assert.NotEmpty(gateway.Received);
        }),

        new(Area, "DNS failure", "names the probe and 'dns'", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = "http://llmd-doctor-fault.invalid";
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "reason", "dns");
        }),

        new(Area, "HTTP/2-only peer", "names each probe with the peer's own 400 'HTTP/1.x request was sent to an HTTP/2 only endpoint'", "LLMD0404", async () =>
        {
            await using var h2 = await Http2Server.StartAsync(context => context.Response.WriteAsync("{}"));
            await using var lab = await Lab.StartAsync();
            lab.GatewayUrl = h2.Url.AbsoluteUri.TrimEnd('/');
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0404", "detail", "HTTP/2 only endpoint");
            Expect.Finding(outcome, "LLMD0408", "detail", "HTTP/2 only endpoint");
        }),

        new(Area, "503 no healthy upstream", "names the gateway: no healthy upstream", "LLMD0406", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 503, "no healthy upstream", "text/plain", ct: ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0406", "status", "503");
        }),

        new(Area, "401 and no credential configured", "says the gateway wants a credential the doctor was not given", "LLMD0403", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 401, "Jwt is missing", "text/plain", "www-authenticate: Bearer realm=\"maas\"\r\n", ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0403", "status", "401");
        }),

        new(Area, "429 from the EPP/model", "names the shed request", "LLMD0405", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => r.Method == "POST"
                ? RawHttp.WriteAsync(s, 429, "inference gateway: ResourceExhausted - failed to find candidate pods for serving the request", "text/plain", ct: ct)
                : HealthyCluster.HealthyGateway(r, s, ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0405", "status", "429");
        }),

        new(Area, "POST body lost (400 Field required) while GET works", "names the seed bug on the gateway", "LLMD0401", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.GatewayBehaviour = (r, s, ct) => r.Method == "POST"
                ? RawHttp.WriteAsync(s, 400, """{"object":"error","message":"[{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}]","type":"Bad Request","param":null,"code":400}""", ct: ct)
                : HealthyCluster.HealthyGateway(r, s, ct);
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0401", "status", "400");
            Assert.Equal(1, outcome.ExitCode);
        }),
    ];

    private static string WriteCa(Lab lab)
    {
        var path = Path.Combine(lab.Dir, "gateway-ca.pem");
        File.WriteAllText(path, Certificates.CaPem);
        return path;
    }
}
