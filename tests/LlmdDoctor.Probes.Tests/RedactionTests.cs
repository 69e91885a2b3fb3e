using System.Text.Json;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

[Collection(GatewayCollection.Name)]
public class RedactionTests(TestGateway gateway)
{
    [Fact]
    public async Task A_configured_credential_is_sent_but_never_recorded_even_when_echoed()
    {
        var settings = new ProbeSettings
        {
            Timeout = TimeSpan.FromSeconds(5),
            Gateways = new Dictionary<string, GatewayProbeOptions>
            {
                ["openshift-ingress/maas-gateway"] = new() { Credential = ProbeCredential.Bearer(TestGateway.Secret) },
            },
        };

        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/echo", gateway.HttpUrl), settings);

        Assert.All(gateway.SeenBy("echo"), s => Assert.Equal($"Bearer {TestGateway.Secret}", s.Headers["authorization"]));
        Assert.All(probes.Results, r =>
        {
            Assert.True(r.CredentialSent);
            Assert.Contains("> authorization: <redacted>", r.Transcript, StringComparison.Ordinal);
            Assert.DoesNotContain(TestGateway.Secret, JsonSerializer.Serialize(r), StringComparison.Ordinal);
        });
        var findings = ProbeRun.Check(probes);
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.DoesNotContain(TestGateway.Secret, f.Message + string.Join(" ", f.Evidence.Values), StringComparison.Ordinal));
    }
}
