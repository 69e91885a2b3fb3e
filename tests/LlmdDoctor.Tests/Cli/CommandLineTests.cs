namespace LlmdDoctor.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_every_command_of_the_design()
    {
        var result = await CliRunner.RunAsync(["--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "serve", "report", "check", "analyze", "collect", "explain", "fix", "demo" })
        {
            Assert.Contains($"  {command}", result.Out);
        }

        Assert.Contains("Exit codes", result.Out);
    }

    [Fact]
    public async Task Fix_help_shows_the_gateway_option_and_no_envoyfilter_subcommand()
    {
        var result = await CliRunner.RunAsync(["fix", "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--gateway", result.Out);
        var old = await CliRunner.RunAsync(["fix", "envoyfilter", "--gateway", "a/b"]);
        Assert.Equal(2, old.ExitCode);
    }

    [Fact]
    public async Task Explain_prints_the_runbook()
    {
        var result = await CliRunner.RunAsync(["explain", "llmd0401"]);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("# LLMD0401 ChatCompletionBodyLost", result.Out);
        Assert.Contains("## Mitigation", result.Out);
    }

    [Fact]
    public async Task Explain_with_a_namespace_fills_the_runbooks_namespace_placeholder()
    {
        var result = await CliRunner.RunAsync(["explain", "LLMD0503", "--namespace", "team-a"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("oc get podmonitor,servicemonitor -n team-a", result.Out);
        Assert.Contains("kubectl get podmonitor,servicemonitor -n team-a", result.Out);
        Assert.DoesNotContain("<namespace>", result.Out);
        Assert.Contains("<kserve-controller-namespace>", result.Out); // other placeholders stay
    }

    [Fact]
    public async Task Explain_without_a_namespace_keeps_the_placeholder()
    {
        var result = await CliRunner.RunAsync(["explain", "LLMD0503"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("oc get podmonitor,servicemonitor -n <namespace>", result.Out);
    }

    [Theory]
    [InlineData("Team-A")]
    [InlineData("a;rm -rf /")]
    [InlineData("\u001b[31mred")]
    [InlineData("-team")]
    public async Task Explain_refuses_a_namespace_that_is_no_kubernetes_name(string ns)
    {
        var result = await CliRunner.RunAsync(["explain", "LLMD0503", "--namespace", System.Text.RegularExpressions.Regex.Unescape(ns)]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--namespace takes a Kubernetes namespace name", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Explain_without_a_code_lists_the_catalog()
    {
        var result = await CliRunner.RunAsync(["explain"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("LLMD0001  warning   CheckFailed", result.Out);
        Assert.Contains("LLMD0801", result.Out);
    }

    [Fact]
    public async Task Explain_of_an_unknown_code_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["explain", "LLMD9999"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown finding code 'LLMD9999'", result.Error);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("check -o yaml")]
    [InlineData("check --fail-on sometimes")]
    [InlineData("analyze")]
    [InlineData("check --suppress LLMD9999")]
    public async Task Usage_errors_exit_2_and_say_why(string commandLine)
    {
        var result = await CliRunner.RunAsync(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("llmd-doctor: ", result.Error);
        Assert.Empty(result.Out);
    }
}
