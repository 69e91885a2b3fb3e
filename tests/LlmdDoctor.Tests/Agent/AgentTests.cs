using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LlmdDoctor.Agent;
using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Tests.Cli;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Tests.Agent;

/// <summary>The agent served over real HTTP from the seed bundle: endpoints, /metrics through promtool, report parity.</summary>
public sealed class AgentTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _agent;
    private string _url = "";

    private sealed class SlowFirstSource(IInputSource inner, TimeSpan delay) : IInputSource
    {
        private int _calls;
        public string Kind => inner.Kind;
        public string Name => inner.Name;

        public async Task<Core.Checks.DoctorInputs> CollectAsync(CancellationToken cancellation)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await Task.Delay(delay, cancellation);
            }

            return await inner.CollectAsync(cancellation);
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}";
        var config = DoctorConfigLoader.Load("interval: 5s", "test", new Dictionary<string, string?>());
        var settings = new ReportSettings(config, config.Policy([]), FailOn.Critical, "json");
        var source = new SlowFirstSource(new BundleSource(Repository.ScenarioBundle("seed-rhoai"), "bundle", "seed-rhoai"), TimeSpan.FromSeconds(2));
        _agent = AgentCommands.RunAgentAsync(settings, source, _url, _stop.Token, l => l.SetMinimumLevel(LogLevel.Warning));
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var r = await http.GetAsync($"{_url}/healthz");
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("agent did not start");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_agent is not null)
        {
            Assert.Equal(0, await _agent.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(string path)
    {
        using var http = new HttpClient();
        using var r = await http.GetAsync(_url + path);
        return (r.StatusCode, await r.Content.ReadAsStringAsync(), r.Content.Headers.ContentType?.ToString());
    }

    private async Task WaitReadyAsync()
    {
        for (var i = 0; i < 200 && (await GetAsync("/readyz")).Status != HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Readyz_waits_for_the_first_complete_cycle()
    {
        var before = await GetAsync("/readyz");
        var report = await GetAsync("/report");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, report.Status);
        await WaitReadyAsync();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/readyz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/healthz")).Status);
    }

    [Fact]
    public async Task Metrics_pass_promtool_and_carry_the_contract_names()
    {
        await WaitReadyAsync();
        var (status, body, contentType) = await GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("text/plain; version=0.0.4", contentType);
        var (code, output) = Promtool.CheckMetrics(body);
        Assert.True(code == 0, output);
        Assert.Contains("llmd_doctor_finding_active{code=\"LLMD0302\",name=\"EnvoyFilterFixNotCovering\",severity=\"critical\",namespace=\"openshift-ingress\",kind=\"Gateway\",resource=\"maas-gateway\",runbook_url=\"http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks/LLMD0302\"} 1", body);
        Assert.Contains("llmd_doctor_ext_proc_body_mode{gateway_namespace=\"openshift-ingress\",gateway=\"maas-gateway\",route=\"my-first-model.maas-model-route.1\",mode=\"FULL_DUPLEX_STREAMED\"} 1", body);
        Assert.Contains("llmd_doctor_ext_proc_body_mode{gateway_namespace=\"openshift-ingress\",gateway=\"openshift-ai-inference\",route=\"my-first-model.qwen3-0-6b-kserve-route.1\",mode=\"BUFFERED\"} 1", body);
        Assert.Contains("llmd_doctor_findings{severity=\"critical\"}", body);
        Assert.Contains("llmd_doctor_check_skipped{check=\"probes.ChatCompletion\"} 1", body);
        Assert.Matches(@"llmd_doctor_cycles_total [1-9]", body);
        Assert.Contains("llmd_doctor_build_info{version=", body);
        // Each code and subject is one series, however many routes carry it.
        Assert.Single(body.Split('\n'), l => l.StartsWith("llmd_doctor_finding_active{code=\"LLMD0301\"", StringComparison.Ordinal));
    }

    /// <summary>design.md §6: metric names and label sets are a contract; a rename is a reviewed golden diff.</summary>
    [Fact]
    public async Task Metric_names_and_label_sets_match_the_golden_file()
    {
        await WaitReadyAsync();
        var body = (await GetAsync("/metrics")).Body;
        var families = body.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var brace = l.IndexOf('{', StringComparison.Ordinal);
                var name = brace < 0 ? l[..l.IndexOf(' ', StringComparison.Ordinal)] : l[..brace];
                var labels = brace < 0 ? "" : string.Join(",", System.Text.RegularExpressions.Regex.Matches(l[brace..l.LastIndexOf('}')], "([a-z_]+)=\"").Select(m => m.Groups[1].Value));
                return $"{name} {{{labels}}}";
            })
            .Distinct()
            .Order(StringComparer.Ordinal);
        var types = body.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Core.Tests.GoldenFile.Verify("metrics.txt", string.Join("\n", types.Concat(families)) + "\n");
    }

    [Fact]
    public async Task Report_command_prints_what_the_agent_serves_and_exits_1_on_critical()
    {
        await WaitReadyAsync();
        var served = ReportJson.Deserialize((await GetAsync("/report")).Body)!;
        var result = await CliRunner.RunAsync(["report", "--url", _url, "-o", "json"]);
        Assert.Equal(1, result.ExitCode);
        var printed = ReportJson.Deserialize(result.Out)!;
        Assert.Equal(served.Findings.Select(f => $"{f.Code} {f.Subject.Name}"), printed.Findings.Select(f => $"{f.Code} {f.Subject.Name}"));
        Assert.Equal("seed-rhoai", printed.Source.Name);

        var text = await CliRunner.RunAsync(["report", "--url", _url, "--fail-on", "none"]);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("LLMD0302  EnvoyFilterFixNotCovering", text.Out);
        var suppressed = await CliRunner.RunAsync(["report", "--url", _url, "-o", "json", "--suppress", "LLMD0204", "--suppress", "LLMD0301", "--suppress", "LLMD0302", "--suppress", "LLMD0306"]);
        Assert.Equal(0, suppressed.ExitCode);
    }

    [Fact]
    public async Task Report_formats_and_runbooks_are_served()
    {
        await WaitReadyAsync();
        Assert.Contains("REQUEST FLOWS", (await GetAsync("/report?format=text")).Body);
        Assert.Contains("# llm-d doctor report", (await GetAsync("/report?format=markdown")).Body);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/report?format=yaml")).Status);
        var runbook = await GetAsync("/runbooks/LLMD0401");
        Assert.Equal(HttpStatusCode.OK, runbook.Status);
        Assert.StartsWith("text/html", runbook.ContentType);
        Assert.Contains("<h1>LLMD0401 ChatCompletionBodyLost</h1>", runbook.Body);
        Assert.Contains("<h2>Mitigation</h2>", runbook.Body);
        Assert.DoesNotContain("<script", runbook.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/runbooks/LLMD9999")).Status);
        Assert.Contains("LLMD0801", (await GetAsync("/runbooks")).Body);
    }

    [Fact]
    public async Task Report_against_no_agent_exits_3()
    {
        var result = await CliRunner.RunAsync(["report", "--url", $"http://127.0.0.1:{FreePort()}"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot read the agent's report", result.Error);
    }
}

/// <summary>Runs Debian's promtool (scripts/test.sh installs package prometheus).</summary>
public static class Promtool
{
    public static (int Code, string Output) CheckMetrics(string page)
    {
        if (!File.Exists("/usr/bin/promtool"))
        {
            throw new InvalidOperationException("promtool is missing: apt-get install prometheus (scripts/test.sh does)");
        }

        var start = new ProcessStartInfo("/usr/bin/promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(page);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit(30_000);
        return (process.ExitCode, output);
    }
}
