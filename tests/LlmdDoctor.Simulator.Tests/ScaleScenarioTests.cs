using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>The generated fleet scale-GxM: the healthy template multiplied, consistently renamed, every model on every gateway.</summary>
public sealed class ScaleScenarioTests
{
    public static TheoryData<string, int?, int?> Names() => new()
    {
        { "scale-3x2", 3, 2 },
        { "scale-100x10", 100, 10 },
        { "scale-3x", null, null },
        { "scale-x2", null, null },
        { "scale-3x2-extra", null, null },
        { "healthy", null, null },
        { "SCALE-3x2", null, null },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Fleet_names_parse_only_in_their_exact_form(string name, int? gateways, int? models)
    {
        var parsed = ScaleScenario.ParseName(name);
        Assert.Equal(gateways, parsed?.Gateways);
        Assert.Equal(models, parsed?.Models);
    }

    [Theory]
    [InlineData("scale-0x2", "gateways must be 1-1000")]
    [InlineData("scale-1001x2", "gateways must be 1-1000")]
    [InlineData("scale-2x0", "models must be 1-250")]
    [InlineData("scale-2x251", "models must be 1-250")]
    [InlineData("scale-big", "known scenarios: ")]
    public void Out_of_range_or_unknown_fleets_are_argument_errors_naming_the_bound(string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ScenarioCatalog.Load(name));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_model_is_attached_to_every_gateway_with_its_own_names_and_pod_ips()
    {
        var scenario = ScenarioCatalog.Load("scale-3x2");

        Assert.Equal(["gw-001", "gw-002", "gw-003"], Of(scenario, "Gateway").Select(Name).Order(StringComparer.Ordinal));
        Assert.All(Of(scenario, "Gateway"), g => Assert.Equal("openshift-ai-inference", (string?)g["spec"]!["gatewayClassName"]));
        var routes = Of(scenario, "HTTPRoute").ToList();
        Assert.Equal(["model-01", "model-02"], routes.Select(r => (string?)r["metadata"]!["namespace"]).Order(StringComparer.Ordinal));
        Assert.Equal(["gw-001.apps.llmd-sim.example.com"], Of(scenario, "Gateway").Where(g => Name(g) == "gw-001")
            .SelectMany(g => ((JsonArray)g["spec"]!["listeners"]!).Select(l => (string?)l!["hostname"])));
        Assert.All(routes, r =>
        {
            Assert.Equal(["gw-001", "gw-002", "gw-003"], ((JsonArray)r["spec"]!["parentRefs"]!).Select(p => (string?)p!["name"]));
            Assert.Equal(["gw-001", "gw-002", "gw-003"], ((JsonArray)r["status"]!["parents"]!).Select(p => (string?)p!["parentRef"]!["name"]));
        });
        Assert.DoesNotContain(scenario.Objects, o => o.ToJsonString().Contains("my-first-model", StringComparison.Ordinal));

        var podIps = Of(scenario, "Pod").Select(p => (string?)p["status"]?["podIP"]).OfType<string>().ToList();
        Assert.Equal(podIps.Count, podIps.Distinct(StringComparer.Ordinal).Count());
        Assert.All(scenario.Models.Values, m => Assert.Equal(0, m.LatencyMs));
    }

    [Fact]
    public void Each_gateway_dump_carries_the_template_routes_once_per_model()
    {
        var scenario = ScaleScenario.Generate(2, 3, latencyMs: 40);

        var dumps = scenario.EnvoyFiles.Where(f => f.Key.EndsWith("/config_dump.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dumps.Count);
        foreach (var (path, bytes) in dumps)
        {
            var dump = ConfigDumpParser.Parse(new MemoryStream(bytes), path);
            Assert.Null(dump.Problem);
            var expected = Enumerable.Range(1, 3).SelectMany(i => Enumerable.Range(0, 3).Select(rule => $"model-0{i}.qwen3-0-6b-kserve-route.{rule}"));
            Assert.Equal(expected.Order(StringComparer.Ordinal), dump.Routes.Select(r => r.Name).Where(n => n.Length > 0).Order(StringComparer.Ordinal));
        }

        var stats = System.Text.Encoding.UTF8.GetString(scenario.EnvoyFiles.Single(f => f.Key.StartsWith("openshift-ingress/gw-002-gw-002-", StringComparison.Ordinal) && f.Key.EndsWith("/stats.txt", StringComparison.Ordinal)).Value);
        Assert.Contains("qwen3-0-6b-epp-service.model-03.svc.cluster.local", stats, StringComparison.Ordinal);
        Assert.DoesNotContain("my-first-model", stats, StringComparison.Ordinal);
        Assert.Equal(3, scenario.Models.Count);
        Assert.All(scenario.Models.Values, m => Assert.Equal(40, m.LatencyMs));
        Assert.Empty(scenario.Expect);
        Assert.NotEmpty(scenario.Absent);
    }

    [Fact]
    public async Task Every_gateway_serves_every_model_and_vllm_answers_after_the_latency()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScaleScenario.Generate(2, 2, latencyMs: 150));
        using var client = Clients.Trusting(cluster.CaFile);
        foreach (var gateway in new[] { "gw-001", "gw-002" })
        {
            foreach (var ns in new[] { "model-01", "model-02" })
            {
                var url = new Uri(cluster.GatewayAddresses[$"openshift-ingress/{gateway}"][0], $"/{ns}/qwen3-0-6b/v1/chat/completions");
                var clock = Stopwatch.StartNew();
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Clients.Json(Clients.Chat) };
                request.Headers.Host = $"{gateway}.apps.llmd-sim.example.com";
                using var chat = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
                Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"{gateway} {ns}: answered after {clock.Elapsed}");

                // The listener answers its own hostname only: Envoy's 404 route_not_found for any other Host.
                using var wrongHost = new HttpRequestMessage(HttpMethod.Post, url) { Content = Clients.Json(Clients.Chat) };
                wrongHost.Headers.Host = "gw-999.apps.llmd-sim.example.com";
                using var notFound = await client.SendAsync(wrongHost);
                Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            }
        }
    }

    private static IEnumerable<JsonObject> Of(Scenario scenario, string kind) => scenario.Objects.Where(o => (string?)o["kind"] == kind);

    private static string Name(JsonObject o) => (string?)o["metadata"]!["name"] ?? "";
}
