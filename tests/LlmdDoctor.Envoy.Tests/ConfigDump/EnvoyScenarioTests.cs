using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>
/// Scenario grid: synthesized gateway dumps per Istio/Envoy release with the findings they must (and must not)
/// produce, and the effective body mode of every InferencePool route.
/// </summary>
public sealed class EnvoyScenarioTests
{
    private const string Maas = "openshift-ingress/maas-gateway";
    private const string Oai = "openshift-ingress/openshift-ai-inference";
    private const string Llmd = "llm-d/inference-gateway";

    public static TheoryData<string, string[]> Findings => new()
    {
        {
            "ossm-1.26.2-workaround",
            [
                $"LLMD0204 {Maas} my-first-model.maas-model-route.0, my-first-model.maas-model-route.1",
                $"LLMD0301 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0301 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0302 {Maas}",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0801 {Maas}",
            ]
        },
        {
            "ossm-1.26.2-no-workaround",
            [
                $"LLMD0301 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0301 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0301 {Oai} my-first-model.qwen3-0-6b-kserve-route.0",
                $"LLMD0301 {Oai} my-first-model.qwen3-0-6b-kserve-route.1",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0304 {Oai} my-first-model.qwen3-0-6b-kserve-route.0",
                $"LLMD0304 {Oai} my-first-model.qwen3-0-6b-kserve-route.1",
                $"LLMD0801 {Maas}",
                $"LLMD0801 {Oai}",
            ]
        },
        {
            "stale-route-name",
            [
                $"LLMD0301 {Oai} my-first-model.qwen3-0-6b-kserve-route.0",
                "LLMD0303 openshift-ingress/fix-extproc-body-mode my-first-model.qwen3-old-route.1",
                $"LLMD0304 {Oai} my-first-model.qwen3-0-6b-kserve-route.0",
                $"LLMD0801 {Oai}",
            ]
        },
        {
            // Envoy 1.35 honours the per-route failure_mode_allow: model-a's FailClose saves it, model-b's FailOpen does not.
            "istio-1.27-per-route-fail-mode",
            [
                $"LLMD0301 {Llmd} llm-d.model-b-route.0",
                $"LLMD0301 {Llmd} llm-d.model-b-route.1",
                $"LLMD0304 {Llmd} llm-d.model-a-route.0",
                $"LLMD0304 {Llmd} llm-d.model-a-route.1",
                $"LLMD0304 {Llmd} llm-d.model-b-route.0",
                $"LLMD0304 {Llmd} llm-d.model-b-route.1",
                $"LLMD0801 {Llmd}",
            ]
        },
        { "istio-1.28-healthy", [] },
        { "route-not-programmed", [$"LLMD0305 {Llmd} llm-d.model-a-route.2"] },
        { "truncated", [$"LLMD0003 {Maas}"] },
    };

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task Scenario_reports_exactly_the_expected_findings(string scenario, string[] expected)
    {
        var inputs = EnvoyFixtures.Load(scenario);
        var run = await EnvoyFixtures.RunEnvoyChecks(inputs);
        Assert.Equal(expected.Order(StringComparer.Ordinal), EnvoyFixtures.Summarize(run.Findings));
        var unreadable = run.Skipped.Where(s => s.Reason.Contains("config dump could not be read", StringComparison.Ordinal)).ToList();
        Assert.Equal(scenario == "truncated", unreadable.Count > 0);
        Assert.All(unreadable, s => Assert.StartsWith($"Gateway {Maas} not checked", s.Reason, StringComparison.Ordinal));
    }

    /// <summary>The simulator's seed cluster (written independently from domain-facts): the Envoy codes its scenario.yaml expects, and no others.</summary>
    [Fact]
    public async Task Seed_rhoai_simulator_bundle_gives_the_expected_Envoy_findings()
    {
        var bundle = Path.Combine(EnvoyFixtures.RepoRoot(), "src", "LlmdDoctor.Simulator", "Scenarios", "seed-rhoai", "bundle");
        var inputs = EnvoyFixtures.LoadBundle(bundle);
        var run = await EnvoyFixtures.RunEnvoyChecks(inputs);
        Assert.Equal(
            [
                $"LLMD0204 {Maas} my-first-model.maas-model-route.0, my-first-model.maas-model-route.1",
                $"LLMD0204 {Oai} my-first-model.qwen3-0-6b-kserve-route.0, my-first-model.qwen3-0-6b-kserve-route.1",
                $"LLMD0301 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0301 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0302 {Maas}",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.0",
                $"LLMD0304 {Maas} my-first-model.maas-model-route.1",
                $"LLMD0306 {Oai} my-first-model.qwen3-0-6b-kserve-route.0",
                $"LLMD0306 {Oai} my-first-model.qwen3-0-6b-kserve-route.1",
                $"LLMD0801 {Maas}",
            ],
            EnvoyFixtures.Summarize(run.Findings));
        Assert.Empty(run.Skipped);
    }

    public static TheoryData<string, string, string, string?> Modes => new()
    {
        { "ossm-1.26.2-workaround", Oai, "my-first-model.qwen3-0-6b-kserve-route.0", "BUFFERED" },
        { "ossm-1.26.2-workaround", Oai, "my-first-model.qwen3-0-6b-kserve-route.1", "BUFFERED" },
        { "ossm-1.26.2-workaround", Oai, "my-first-model.qwen3-0-6b-kserve-route.2", "NONE" },
        { "ossm-1.26.2-workaround", Maas, "my-first-model.maas-model-route.1", "FULL_DUPLEX_STREAMED" },
        { "istio-1.27-per-route-fail-mode", Llmd, "llm-d.model-a-route.1", "FULL_DUPLEX_STREAMED" },
        { "istio-1.28-healthy", Llmd, "llm-d.model-a-route.0", "FULL_DUPLEX_STREAMED" },
        { "route-not-programmed", Llmd, "llm-d.model-a-route.2", null },
        { "truncated", Maas, "my-first-model.maas-model-route.1", null },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Effective_body_mode_of_each_flow(string scenario, string gateway, string envoyRoute, string? mode)
    {
        var inputs = EnvoyFixtures.Load(scenario);
        var flow = Assert.Single(inputs.Flows, f => f.GatewayKey == gateway && f.EnvoyRouteName == envoyRoute);
        Assert.Equal(mode, GatewayEnvoyViews.Of(inputs.Envoy).EffectiveBodyModeOf(flow));
    }

    [Fact]
    public void Seed_gateway_reads_as_Envoy_1_34_with_the_route_fail_open_from_the_filter()
    {
        var inputs = EnvoyFixtures.Load("ossm-1.26.2-workaround");
        var maas = Assert.Single(inputs.Envoy, d => d.GatewayKey == Maas);
        Assert.Equal("1.26.2-redhat", maas.IstioVersion);
        Assert.Equal(new ComponentVersion(1, 34, 1), maas.EnvoyVersion);
        var mode = maas.EffectiveExtProc(maas.RoutesNamed("my-first-model.maas-model-route.1")[0]);
        Assert.True(mode.FailOpen);
        Assert.Equal("outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", mode.EndpointPickerCluster);
        var stats = maas.UpstreamStats![mode.EndpointPickerCluster!];
        Assert.Equal((12L, 12L, 12L, 12L, 2), (stats.ConnectionsTotal!.Value, stats.ConnectFailures!.Value, stats.TlsVerifyFailures!.Value, stats.HostConnectFailures!.Value, stats.Hosts!.Value));
    }

    [Fact]
    public async Task Truncated_dump_is_reported_as_unreadable_with_its_offset_and_never_as_healthy()
    {
        var inputs = EnvoyFixtures.Load("truncated");
        var maas = Assert.Single(inputs.Envoy, d => d.GatewayKey == Maas);
        Assert.False(maas.IsReadable);
        Assert.Contains("truncated at byte", maas.Problem, StringComparison.Ordinal);
        var run = await EnvoyFixtures.RunEnvoyChecks(inputs);
        var unreadable = Assert.Single(run.Findings);
        Assert.Contains("envoy.ExtProcBodyLoss", unreadable.Evidence["checks"], StringComparison.Ordinal);
        Assert.Contains("config_dump", unreadable.Message, StringComparison.Ordinal);
    }
}
