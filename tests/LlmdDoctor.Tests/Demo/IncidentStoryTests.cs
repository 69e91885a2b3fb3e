using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Demo;

/// <summary>
/// Issue 19 through the live path: each simulated scenario reads as its real stories. Every chain is asserted with its
/// root subject, and every explained finding with the code that explains it.
/// </summary>
public sealed class IncidentStoryTests
{
    private static async Task<Report> DemoAsync(string scenario)
    {
        var result = await CliRunner.RunAsync(["demo", "--scenario", scenario, "-o", "json", "--fail-on", "none"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return ReportJson.Deserialize(result.Out)!;
    }

    /// <summary><c>0204 → 0301 → 0401 @ Gateway ns/name</c> for each incident.</summary>
    private static List<string> Stories(Report report) =>
        [.. report.Incidents.Select(i => $"{IncidentText.Chain(i.Chain)} @ {IncidentEntry.SubjectText(i.Root.Subject)}")];

    private static List<string> Links(ReportIncident incident) =>
        [.. incident.Symptoms.Select(s => $"{s.Code} ← {s.CausedBy} ×{s.Count}")];

    [Fact]
    public async Task Seed_reads_as_EPP_trust_then_body_loss_on_maas_and_a_bypass_on_the_other_gateway()
    {
        var report = await DemoAsync("seed-rhoai");
        Assert.Equal(
            [
                "0204 → 0301 → 0401 @ Gateway openshift-ingress/maas-gateway",
                "0204 → 0407 @ Gateway openshift-ingress/openshift-ai-inference",
                "0306 @ Gateway openshift-ingress/openshift-ai-inference",
                "0304 @ Gateway openshift-ingress/maas-gateway",
                "0507 → 0607 @ GrafanaDashboard llm-d-monitoring/llm-d-vllm-overview",
            ],
            Stories(report));

        var bodyLoss = report.Incidents[0];
        Assert.Equal(["LLMD0301 ← LLMD0204 ×2", "LLMD0302 ← LLMD0301 ×1", "LLMD0401 ← LLMD0301 ×2", "LLMD0801 ← LLMD0301 ×1"], Links(bodyLoss));
        Assert.Equal(["openshift-ingress/maas-gateway"], bodyLoss.Gateways);
        Assert.Equal(["Qwen/Qwen3-0.6B"], bodyLoss.Models);
        Assert.Equal("LLMD0204", bodyLoss.Runbook);
        Assert.Equal(["my-first-model.maas-model-route.0", "my-first-model.maas-model-route.1"], bodyLoss.Symptoms.Single(s => s.Code == "LLMD0401").Routes);

        // With the EPP unreachable the BUFFERED override does not stall yet: the bypass is the EPP's story, the override its own.
        Assert.Equal(["LLMD0407 ← LLMD0204 ×2"], Links(report.Incidents[1]));
        Assert.Empty(report.Incidents[2].Symptoms);
        Assert.Equal(2, report.Incidents[2].Findings);

        // Dashboards query the wrong prefix, so their panels are empty.
        Assert.Equal(["LLMD0607 ← LLMD0507 ×1"], Links(report.Incidents[4]));

        Assert.All(report.Findings, f => Assert.Single(report.Incidents, i => i.Id == f.Incident));
    }

    [Fact]
    public async Task Incident_ids_are_the_same_from_run_to_run()
    {
        var first = await DemoAsync("seed-rhoai");
        var second = await DemoAsync("seed-rhoai");
        Assert.Equal(first.Incidents.Select(i => i.Id), second.Incidents.Select(i => i.Id));
    }

    [Fact]
    public async Task No_ready_pods_reads_as_one_story_from_the_pool_to_the_gateway_503s()
    {
        var report = await DemoAsync("epp-no-ready-pods");
        var incident = Assert.Single(report.Incidents);
        Assert.Equal("0202 → 0205 → 0406 @ InferencePool my-first-model/qwen3-0-6b-inference-pool", Stories(report).Single());
        Assert.Equal(["LLMD0205 ← LLMD0202 ×1", "LLMD0406 ← LLMD0202 ×1", "LLMD0406 ← LLMD0205 ×2"], Links(incident));
        Assert.Equal(["openshift-ingress/openshift-ai-inference"], incident.Gateways);
    }

    [Fact]
    public async Task Broken_monitoring_reads_as_targets_down_then_no_series_then_empty_panels()
    {
        var report = await DemoAsync("monitoring-broken");
        Assert.Equal(
            [
                "0505 → 0506 → 0607 @ LLMInferenceService my-first-model/qwen3-0-6b",
                "0606 @ GrafanaDatasource llm-d-monitoring/thanos-querier",
                "0508 @ LLMInferenceService my-first-model/qwen3-0-6b",
            ],
            Stories(report));
        Assert.Equal(["LLMD0506 ← LLMD0505 ×2", "LLMD0607 ← LLMD0506 ×1"], Links(report.Incidents[0]));
    }

    [Fact]
    public async Task Gateway_faults_link_the_missing_backend_to_the_refused_route_and_nothing_else()
    {
        var report = await DemoAsync("gateway-faults");
        Assert.Equal(
            [
                "0101 @ Gateway openshift-ingress/staging-gateway",
                "0103 → 0102 @ HTTPRoute my-first-model/legacy-model-route",
                "0403 @ Gateway openshift-ingress/openshift-ai-inference",
            ],
            Stories(report));
    }

    [Fact]
    public async Task A_healthy_cluster_has_no_incident()
    {
        var report = await DemoAsync("healthy");
        Assert.Empty(report.Incidents);
    }
}
