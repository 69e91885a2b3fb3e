using System.Diagnostics;
using System.Text.Json;
using LlmdDoctor.Simulator;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Demo;

/// <summary>
/// The doctor against every simulated scenario through the live path (the README's main command): the reported codes
/// and subjects are exactly what each scenario declares, and nothing it declares absent appears.
/// </summary>
public sealed class DemoTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioCatalog.Names];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Every_scenario_reports_what_it_declares_through_the_live_path(string scenario)
    {
        var result = await CliRunner.RunAsync(["demo", "--scenario", scenario, "-o", "json", "--fail-on", "none"]);
        Assert.True(result.ExitCode == 0, result.Error);
        ScenarioMatch.AssertDeclared(scenario, ScenarioMatch.Findings(result.Out), includeLive: true);

        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal("simulator", doc.RootElement.GetProperty("source").GetProperty("kind").GetString());
        Assert.Equal(scenario, doc.RootElement.GetProperty("source").GetProperty("name").GetString());
    }

    /// <summary>A generated fleet (healthy, multiplied) reports nothing and probes every model through every gateway.</summary>
    [Fact]
    public async Task A_generated_fleet_reports_nothing_and_probes_every_model_through_every_gateway()
    {
        var result = await CliRunner.RunAsync(["demo", "--scenario", "scale-3x2", "-o", "json", "--fail-on", "info"]);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        ScenarioMatch.AssertDeclared("scale-3x2", ScenarioMatch.Findings(result.Out), includeLive: true);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Empty(doc.RootElement.GetProperty("findings").EnumerateArray());
        var flows = doc.RootElement.GetProperty("flows").EnumerateArray().ToList();
        var probed = flows.Select(f => (Gateway: f.GetProperty("gateway").GetString(), Path: f.GetProperty("path").GetString())).ToHashSet();
        foreach (var gateway in new[] { "gw-001", "gw-002", "gw-003" })
        {
            foreach (var ns in new[] { "model-01", "model-02" })
            {
                Assert.Contains(($"openshift-ingress/{gateway}", $"/{ns}/qwen3-0-6b/v1/chat/completions"), probed);
            }
        }

        Assert.All(flows.SelectMany(f => f.GetProperty("probes").EnumerateArray()), p => Assert.Equal(200, p.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task Healthy_has_nothing_at_warning_or_above_and_probes_pass_through_the_epp()
    {
        var result = await CliRunner.RunAsync(["demo", "--scenario", "healthy", "-o", "json", "--fail-on", "warning"]);
        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var chat = doc.RootElement.GetProperty("flows").EnumerateArray()
            .Single(f => f.GetProperty("path").GetString()!.EndsWith("/v1/chat/completions", StringComparison.Ordinal));
        Assert.Equal(200, chat.GetProperty("probes")[0].GetProperty("status").GetInt32());
        Assert.Equal("FULL_DUPLEX_STREAMED", chat.GetProperty("effectiveBodyMode").GetString());
    }

    /// <summary>Issue #4: the seed demo names the maas-gateway body loss with runbook links, in well under 30 s.</summary>
    [Fact]
    public async Task The_seed_demo_names_the_maas_gateway_body_loss_with_runbooks_quickly()
    {
        var clock = Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(["demo"]);
        clock.Stop();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("LLMD0401  ChatCompletionBodyLost                 Gateway openshift-ingress/maas-gateway", result.Out);
        Assert.Contains("LLMD0301  ExtProcBodyLossRisk                    Gateway openshift-ingress/maas-gateway", result.Out);
        Assert.Contains("LLMD0302  EnvoyFilterFixNotCovering              Gateway openshift-ingress/maas-gateway", result.Out);
        // Issue 19: the body loss is a symptom of the EPP trust failure, whose runbook is the one to follow.
        Assert.Contains("  critical  0204 → 0301 → 0401  Gateway openshift-ingress/maas-gateway", result.Out);
        Assert.Contains("runbook: runbooks/LLMD0204.md  (llmd-doctor explain LLMD0204 --namespace openshift-ingress)", result.Out);
        Assert.DoesNotContain("LLMD0401  ChatCompletionBodyLost                 Gateway openshift-ingress/openshift-ai-inference", result.Out);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"demo took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_unknown_scenario_is_a_usage_error_listing_the_known_ones()
    {
        var result = await CliRunner.RunAsync(["demo", "--scenario", "nope"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seed-rhoai", result.Error);
    }
}
