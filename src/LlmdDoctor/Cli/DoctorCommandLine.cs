using System.CommandLine;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Runbooks;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Cli;

/// <summary>The <c>llmd-doctor</c> command line (design.md §3).</summary>
public static class DoctorCommandLine
{
    /// <summary>Runs a command; everything it writes to stdout and stderr passes the credential scrubber first.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellation = default)
    {
        var scrubbed = console with { Out = new ScrubbingWriter(console.Out), Error = new ScrubbingWriter(console.Error) };
        try
        {
            return await RunScrubbedAsync(args, scrubbed, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await scrubbed.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await scrubbed.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunScrubbedAsync(string[] args, CliConsole console, CancellationToken cancellation)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'llmd-doctor --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageOrConfig;
        }

        using var tracing = Agent.DoctorTracing.StartIfConfigured(console.Environment, console.Error);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, cancellation)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ExitCodes.CouldNotRun;
        }
    }

    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand(
            "llm-d doctor: walks every arrow of llm-d's request path (Gateway → Envoy ext_proc → Endpoint Picker → vLLM) and " +
            "monitoring path (ServiceMonitor → Prometheus/Thanos → Grafana → Alertmanager), names what is broken with a " +
            "stable code (LLMDnnnn) and links the runbook that fixes it.\n\n" +
            "Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or configuration error; " +
            "3 could not run (cluster unreachable, bundle unreadable).");

        root.Subcommands.Add(AgentCommands.Serve(console));
        root.Subcommands.Add(AgentCommands.Report(console));
        root.Subcommands.Add(Commands.Check(console));
        root.Subcommands.Add(Commands.Analyze(console));
        root.Subcommands.Add(Commands.Collect(console));
        root.Subcommands.Add(Explain(console));
        root.Subcommands.Add(Commands.Fix(console));
        root.Subcommands.Add(DemoCommand.Build(console));
        root.Subcommands.Add(TraceCommand.Build(console));
        return root;
    }

    private static Command Explain(CliConsole console)
    {
        var code = new Argument<string?>("CODE") { Description = "A finding code such as LLMD0401; without it, list every code", Arity = ArgumentArity.ZeroOrOne };
        var ns = new Option<string?>("--namespace", "-n")
        {
            Description = "Fill the runbook's <namespace> (the namespace of the finding's subject) with this namespace",
        };
        var command = new Command("explain", "Print the runbook of a finding code (Meaning, Impact, Diagnosis, Mitigation, Verify)");
        command.Arguments.Add(code);
        command.Options.Add(ns);
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(code);
            if (string.IsNullOrWhiteSpace(wanted))
            {
                foreach (var d in FindingCatalog.All)
                {
                    console.Out.WriteLine($"{d.Code}  {d.DefaultSeverity.ToName(),-8}  {d.Name,-38}  {d.FiresWhen}");
                }

                return ExitCodes.Ok;
            }

            var namespaceName = parse.GetValue(ns);
            if (namespaceName is not null && !RunbookLibrary.IsNamespaceName(namespaceName))
            {
                console.Error.WriteLine("llmd-doctor: --namespace takes a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)");
                return ExitCodes.UsageOrConfig;
            }

            var runbook = FindingCatalog.Find(wanted) is null ? null : RunbookLibrary.Get(wanted, namespaceName);
            if (runbook is null)
            {
                console.Error.WriteLine($"llmd-doctor: unknown finding code '{wanted}'; 'llmd-doctor explain' lists them");
                return ExitCodes.UsageOrConfig;
            }

            console.Out.Write(runbook);
            return ExitCodes.Ok;
        });
        return command;
    }
}
