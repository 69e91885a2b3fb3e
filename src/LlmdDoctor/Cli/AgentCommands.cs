using System.CommandLine;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Cli;

/// <summary><c>serve</c> (the agent) and <c>report</c> (what <c>kubectl exec … llmd-doctor report</c> runs).</summary>
public static class AgentCommands
{
    public const string DefaultListen = "http://0.0.0.0:8080";
    public const string DefaultAgentUrl = "http://127.0.0.1:8080";

    public static Command Serve(CliConsole console)
    {
        var options = new ReportOptions();
        var cluster = new ClusterOptions();
        var listen = new Option<string>("--listen") { Description = "Address to serve /metrics, /healthz, /readyz, /report, /runbooks on", DefaultValueFactory = _ => DefaultListen };
        var command = new Command("serve", "Run the agent: a cycle every interval (with jitter), HTTP on :8080 with /metrics, /healthz, /readyz, /report and /runbooks/{code}");
        command.Options.Add(options.Config);
        command.Options.Add(options.Suppress);
        cluster.AddTo(command);
        command.Options.Add(listen);
        command.SetAction(async (parse, ct) =>
        {
            if (options.ReadOrComplain(parse, console) is not { } settings)
            {
                return ExitCodes.UsageOrConfig;
            }

            LiveClusterSource source;
            try
            {
                source = new LiveClusterSource(cluster.Connect(parse, console), settings.Config);
            }
            catch (KubeConfigException ex)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }

            using (source)
            {
                // Leader election only where the Deployment passes the pod's identity (downward API): replicas > 1 then
                // agree on one prober through a Lease in the doctor's namespace.
                var pod = console.Environment("POD_NAME");
                var podNamespace = console.Environment("POD_NAMESPACE");
                LeaseElector? elector = null;
                if (!string.IsNullOrEmpty(pod) && !string.IsNullOrEmpty(podNamespace))
                {
                    var client = new KubeClient(cluster.Connect(parse, console));
                    elector = new LeaseElector(client, podNamespace, "llmd-doctor", pod, AgentLoop.LeaseDuration(settings.Config.Interval));
                }

                return await RunAgentAsync(settings, source, parse.GetValue(listen)!, ct, elector: elector).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Serves HTTP and runs cycles until cancelled (SIGTERM/Ctrl-C); shuts down gracefully.</summary>
    public static async Task<int> RunAgentAsync(ReportSettings settings, IInputSource source, string listen, CancellationToken ct,
        Action<ILoggingBuilder>? logging = null, LeaseElector? elector = null)
    {
        var state = new AgentState();
        await using var app = AgentHost.Build(state, listen, logging);
        var logger = app.Services.GetService(typeof(ILoggerFactory)) is ILoggerFactory f ? f.CreateLogger("llmd-doctor") : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
        await app.StartAsync(ct).ConfigureAwait(false);
        var loop = new AgentLoop(settings.Config, settings.Policy, source, state, TimeProvider.System, logger, elector);
        try
        {
            await loop.RunAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    public static Command Report(CliConsole console)
    {
        var options = new ReportOptions();
        var url = new Option<string>("--url") { Description = "The running agent", DefaultValueFactory = _ => DefaultAgentUrl };
        var command = new Command("report", "Print the running agent's latest report (default http://127.0.0.1:8080): what 'kubectl exec -n llm-d-monitoring deploy/llmd-doctor -- llmd-doctor report' runs");
        options.AddTo(command);
        command.Options.Add(url);
        command.SetAction(async (parse, ct) =>
        {
            if (options.ReadOrComplain(parse, console) is not { } settings)
            {
                return ExitCodes.UsageOrConfig;
            }

            var agent = parse.GetValue(url)!.TrimEnd('/');
            Report? report;
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                using var response = await http.GetAsync($"{agent}/report", ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    await console.Error.WriteLineAsync($"llmd-doctor: the agent at {agent} answered {(int)response.StatusCode}: {body.Trim()}").ConfigureAwait(false);
                    return ExitCodes.CouldNotRun;
                }

                report = ReportJson.Deserialize(body);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: cannot read the agent's report at {agent}/report: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.CouldNotRun;
            }

            if (report is null)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: the agent at {agent} sent an empty report").ConfigureAwait(false);
                return ExitCodes.CouldNotRun;
            }

            return ReportOutput.Write(Filter(report, settings), settings, console);
        });
        return command;
    }

    /// <summary>Applies this command's --suppress and severity overrides to a report the agent already built.</summary>
    private static Report Filter(Report report, ReportSettings settings)
    {
        bool Keep(ReportFinding f) => !settings.Policy.Suppressions.Any(s =>
            string.Equals(s.Code, f.Code, StringComparison.OrdinalIgnoreCase)
            && (s.Name is null || (s.Name == f.Subject.Name && (s.Namespace ?? "") == f.Subject.Namespace)));
        ReportFinding Override(ReportFinding f) =>
            settings.Policy.SeverityOverrides.TryGetValue(f.Code, out var sev) ? Copy(f, sev.ToName()) : f;
        var findings = report.Findings.Where(Keep).Select(Override).ToList();
        report.Findings.Clear();
        report.Findings.AddRange(findings);
        report.Summary.Critical = findings.Count(f => f.Severity == "critical");
        report.Summary.Warning = findings.Count(f => f.Severity == "warning");
        report.Summary.Info = findings.Count(f => f.Severity == "info");
        return report;
    }

    private static ReportFinding Copy(ReportFinding f, string severity) => new()
    {
        Code = f.Code, Name = f.Name, Severity = severity, Subject = f.Subject, Message = f.Message, Evidence = f.Evidence,
        Check = f.Check, Runbook = f.Runbook, RunbookUrl = f.RunbookUrl, FirstSeen = f.FirstSeen, LastSeen = f.LastSeen,
    };
}
