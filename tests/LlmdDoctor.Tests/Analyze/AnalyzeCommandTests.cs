using System.Text.Json;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Analyze;

/// <summary>`analyze` end to end over the scenario bundles, every output format, --fail-on and --suppress.</summary>
public sealed class AnalyzeCommandTests
{
    private static readonly string Seed = Repository.ScenarioBundle("seed-rhoai");
    private static readonly string Healthy = Repository.ScenarioBundle("healthy");

    private static List<ScenarioMatch.Reported> Findings(string json) => ScenarioMatch.Findings(json);

    public static TheoryData<string> Scenarios() => [.. Simulator.ScenarioCatalog.Names];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Bundle_findings_are_what_the_scenario_declares(string scenario)
    {
        var result = await CliRunner.RunAsync(["analyze", Repository.ScenarioBundle(scenario), "-o", "json", "--fail-on", "none"]);
        Assert.Equal(0, result.ExitCode);
        ScenarioMatch.AssertDeclared(scenario, Findings(result.Out), includeLive: false);
    }

    [Fact]
    public async Task Healthy_bundle_has_nothing_at_warning_or_above_and_says_what_it_could_not_check()
    {
        var result = await CliRunner.RunAsync(["analyze", Healthy, "--fail-on", "warning"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No findings.", result.Out);
        Assert.Contains("SKIPPED (not checked, not healthy)", result.Out);
        Assert.Contains("probes.ChatCompletion", result.Out);
    }

    [Theory]
    [InlineData("text", "\n  LLMD0204  EndpointPickerUnreachableFromGateway")]
    [InlineData("markdown", "| critical | LLMD0204 |")]
    [InlineData("json", "\"code\": \"LLMD0204\"")]
    public async Task Every_format_renders_and_fails_on_critical_by_default(string format, string expected)
    {
        var result = await CliRunner.RunAsync(["analyze", Seed, "-o", format]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Out);
        Assert.DoesNotContain("\u001b[", result.Out);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public async Task Every_format_links_the_relative_runbook_names_explain_and_no_local_path(string format)
    {
        var result = await CliRunner.RunAsync(["analyze", Seed, "-o", format, "--fail-on", "none"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("runbooks/LLMD0204.md", result.Out);
        Assert.Contains("llmd-doctor explain LLMD0204", result.Out);
        Assert.DoesNotContain("svc:8080/runbooks", result.Out);
        Assert.DoesNotContain(Path.GetFullPath(Seed), result.Out);
        Assert.DoesNotContain(Repository.Root, result.Out);
    }

    [Fact]
    public async Task Runbook_base_flag_sets_the_links_and_refuses_a_local_absolute_path()
    {
        var result = await CliRunner.RunAsync(["analyze", Seed, "-o", "json", "--fail-on", "none", "--runbook-base", "https://docs.example.org/llmd/{code}.html"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"runbookUrl\": \"https://docs.example.org/llmd/LLMD0204.html\"", result.Out);
        Assert.Contains("\"explain\": \"llmd-doctor explain LLMD0204 --namespace openshift-ingress\"", result.Out);

        var local = await CliRunner.RunAsync(["analyze", Seed, "--runbook-base", "/home/someone/runbooks"]);
        Assert.Equal(2, local.ExitCode);
        Assert.Contains("--runbook-base must be an http(s) URL or a relative folder", local.Error);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public async Task Suppressing_every_critical_code_exits_0_in_every_format(string format)
    {
        var result = await CliRunner.RunAsync(["analyze", Seed, "-o", format,
            "--suppress", "LLMD0204", "--suppress", "LLMD0301", "--suppress", "LLMD0302", "--suppress", "LLMD0306"]);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("LLMD0301", result.Out);
        Assert.Contains("LLMD0304", result.Out);
        var warn = await CliRunner.RunAsync(["analyze", Seed, "-o", format, "--fail-on", "warning",
            "--suppress", "LLMD0204", "--suppress", "LLMD0301", "--suppress", "LLMD0302", "--suppress", "LLMD0306"]);
        Assert.Equal(1, warn.ExitCode);
    }

    [Fact]
    public async Task A_subject_suppression_hides_one_gateway_only()
    {
        var result = await CliRunner.RunAsync(["analyze", Seed, "-o", "json", "--fail-on", "none", "--suppress", "LLMD0204=openshift-ingress/maas-gateway"]);
        var findings = Findings(result.Out);
        Assert.DoesNotContain(findings, f => f.Code == "LLMD0204" && f.Name == "maas-gateway");
        Assert.Contains(findings, f => f.Code == "LLMD0204" && f.Name == "openshift-ai-inference");
    }

    [Fact]
    public async Task Severity_overrides_from_the_config_change_the_exit_code()
    {
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, "severityOverrides: {LLMD0204: info, LLMD0301: info, LLMD0302: info, LLMD0306: info}\n");
            var result = await CliRunner.RunAsync(["analyze", Seed, "-o", "json", "--config", config]);
            Assert.Equal(0, result.ExitCode);
            Assert.All(Findings(result.Out).Where(f => f.Code is "LLMD0204" or "LLMD0301"), f => Assert.Equal("info", f.Severity));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Colour_only_on_a_terminal_and_never_with_NO_COLOR()
    {
        var tty = await CliRunner.RunAsync(["analyze", Seed], terminal: true);
        Assert.Contains("\u001b[1;31mCRITICAL", tty.Out);
        var noColour = await CliRunner.RunAsync(["analyze", Seed], terminal: true, env: new Dictionary<string, string> { ["NO_COLOR"] = "1" });
        Assert.DoesNotContain("\u001b[", noColour.Out);
    }

    [Fact]
    public async Task A_missing_bundle_exits_3_naming_it()
    {
        var result = await CliRunner.RunAsync(["analyze", "/nonexistent/bundle"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("/nonexistent/bundle", result.Error);
    }

    [Fact]
    public async Task A_malformed_file_is_LLMD0003_naming_file_and_line_and_the_rest_is_analysed()
    {
        var dir = Directory.CreateTempSubdirectory("llmd-bundle-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "good.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n");
            var result = await CliRunner.RunAsync(["analyze", dir.FullName, "-o", "json", "--fail-on", "warning"]);
            Assert.Equal(1, result.ExitCode);
            var finding = Assert.Single(Findings(result.Out), f => f.Code == "LLMD0003");
            Assert.EndsWith("/broken.yaml", finding.Name, StringComparison.Ordinal);
            Assert.Matches(@"broken\.yaml could not be read: \d+:\d+: invalid YAML", result.Out);
            Assert.DoesNotContain(dir.FullName, result.Out, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_empty_folder_exits_3_nothing_to_analyse_never_0()
    {
        var dir = Directory.CreateTempSubdirectory("llmd-bundle-");
        try
        {
            var result = await CliRunner.RunAsync(["analyze", dir.FullName, "--fail-on", "none"]);
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("nothing to analyse", result.Error);
            Assert.DoesNotContain("No findings", result.Out);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Fix_gives_the_uncovered_gateway_the_trust_fix_and_the_fail_closed_stop_gap()
    {
        var result = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/maas-gateway", "--bundle", Seed]);
        Assert.Equal(0, result.ExitCode);
        var docs = YamlJson.ParseDocuments(result.Out).Select(d => d!.AsObject()).ToList();
        Assert.Equal(["DestinationRule", "EnvoyFilter"], docs.Select(d => (string?)d["kind"]));
        Assert.Equal("qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", (string?)docs[0]["spec"]!["host"]);
        Assert.Equal("openshift-ingress", (string?)docs[0]["metadata"]!["namespace"]);
        Assert.DoesNotContain("BUFFERED\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_tells_the_buffered_gateway_to_delete_its_override()
    {
        var result = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/openshift-ai-inference", "--bundle", Seed]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("# [LLMD0306]", result.Out, StringComparison.Ordinal);
        Assert.Contains("kubectl delete envoyfilter fix-extproc-body-mode -n openshift-ingress", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_for_a_gateway_without_findings_prints_nothing_to_apply()
    {
        var result = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/data-science-gateway", "--bundle", Seed]);
        Assert.Equal(0, result.ExitCode);
        Assert.All(YamlJson.ParseDocuments(result.Out), Assert.Null);
        Assert.Contains("nothing to apply", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openshift-ingress/nope", 2, "not found")]
    [InlineData("maas-gateway", 2, "not NAMESPACE/NAME")]
    public async Task Fix_says_why_it_cannot(string gateway, int code, string message)
    {
        var result = await CliRunner.RunAsync(["fix", "--gateway", gateway, "--bundle", Seed]);
        Assert.Equal(code, result.ExitCode);
        Assert.Contains(message, result.Error);
    }
}
