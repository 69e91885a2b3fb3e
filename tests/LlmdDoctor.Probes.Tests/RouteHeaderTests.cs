using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

/// <summary>A probe sends the headers its route match requires, and never lets them replace a header the probe sets itself.</summary>
[Collection(GatewayCollection.Name)]
public class RouteHeaderTests(TestGateway gateway)
{
    [Fact]
    public async Task The_model_routing_header_is_sent_and_shown_in_the_transcript()
    {
        var target = ProbeRun.Models($"{gateway.HttpUrl}/routehdr/v1/models") with
        {
            Headers =
            [
                new("X-Gateway-Model-Name", "publishers/llm/models/org/b"),
                new("Host", "evil.example.com"),
                new("User-Agent", "spoofed"),
            ],
        };

        var result = await ProbeRun.OneAsync(target, new ProbeSettings { Timeout = TimeSpan.FromSeconds(5) });

        var seen = Assert.Single(gateway.SeenBy("routehdr"));
        Assert.Equal("publishers/llm/models/org/b", seen.Headers["x-gateway-model-name"]);
        Assert.NotEqual("evil.example.com", seen.Headers["host"]);
        Assert.Equal("llmd-doctor-probe/1", seen.Headers["user-agent"]);
        Assert.Contains("> x-gateway-model-name: publishers/llm/models/org/b", result.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probe_without_route_headers_sends_none()
    {
        await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.HttpUrl}/nohdr/v1/models"), new ProbeSettings { Timeout = TimeSpan.FromSeconds(5) });
        Assert.DoesNotContain("x-gateway-model-name", Assert.Single(gateway.SeenBy("nohdr")).Headers.Keys);
    }
}
