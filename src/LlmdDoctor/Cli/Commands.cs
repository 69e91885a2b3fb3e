using System.CommandLine;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using LlmdDoctor.Envoy.Fix;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Cli;

/// <summary>The commands that run checks: check, analyze, collect, fix.</summary>
public static class Commands
{
    public static Command Check(CliConsole console)
    {
        var options = new ReportOptions();
        var cluster = new ClusterOptions();
        var command = new Command("check", "One live run against the cluster (in-cluster service account, or kubeconfig/--context) and print the report");
        options.AddTo(command);
        cluster.AddTo(command);
        command.SetAction((parse, ct) => RunReportAsync(console, options, parse, settings =>
            new LiveClusterSource(cluster.Connect(parse, console), settings.Config), ct));
        return command;
    }

    public static Command Analyze(CliConsole console)
    {
        var options = new ReportOptions();
        var dir = new Argument<string>("DIR") { Description = "A bundle: kubectl get -o yaml|json output, envoy/<ns>/<pod>/config_dump.json, … (design §9)" };
        var command = new Command("analyze", "Run the same checks against a saved bundle directory (no cluster needed)");
        command.Arguments.Add(dir);
        options.AddTo(command);
        command.SetAction((parse, ct) => RunReportAsync(console, options, parse, s => new BundleSource(parse.GetValue(dir)!, maxDumpBytes: s.Config.Limits.MaxDumpBytes), ct));
        return command;
    }

    /// <summary>Collects from the source, runs every check once, prints the report; exit code from --fail-on.</summary>
    public static async Task<int> RunReportAsync(CliConsole console, ReportOptions options, ParseResult parse, Func<ReportSettings, IInputSource> source, CancellationToken ct)
    {
        if (options.ReadOrComplain(parse, console) is not { } settings)
        {
            return ExitCodes.UsageOrConfig;
        }

        try
        {
            var input = source(settings);
            try
            {
                var cycle = new DoctorCycle(settings.Config, settings.Policy, TimeProvider.System);
                var result = await cycle.RunAsync(input, CheckRegistry.All, ct).ConfigureAwait(false);
                var exit = ReportOutput.Write(result.Report, settings, console);
                if (result.NothingRead is { } why)
                {
                    // The report still names every list that failed (LLMD0002/LLMD0003); a run that read nothing is never healthy.
                    await console.Error.WriteLineAsync($"llmd-doctor: could not run: {KnownCredentials.Scrub(why)}").ConfigureAwait(false);
                    return ExitCodes.CouldNotRun;
                }

                return exit;
            }
            finally
            {
                (input as IDisposable)?.Dispose();
            }
        }
        catch (KubeConfigException ex)
        {
            await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageOrConfig;
        }
        catch (SourceUnreachableException ex)
        {
            await console.Error.WriteLineAsync($"llmd-doctor: could not run: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.CouldNotRun;
        }
    }

    public static Command Collect(CliConsole console)
    {
        var dir = new Argument<string>("DIR") { Description = "Directory to write the bundle to (created; must be empty or absent)" };
        var cluster = new ClusterOptions();
        var config = new Option<string?>("--config") { Description = "Configuration file (YAML)" };
        var command = new Command("collect", "Save a bundle (objects, Envoy dumps) for analyze or a support case; Secrets are saved as name and type only");
        command.Arguments.Add(dir);
        cluster.AddTo(command);
        command.Options.Add(config);
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(dir)!;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {target} is not empty; collect writes into an empty or new directory").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }

            try
            {
                var cfg = parse.GetValue(config) is { } path ? DoctorConfigLoader.LoadFile(path) : DoctorConfigLoader.Load("", "(defaults)");
                var connection = cluster.Connect(parse, console);
                var written = await BundleCollector.CollectAsync(connection, cfg, target, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync($"wrote {written} files to {target}; analyse with: llmd-doctor analyze {target}").ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is ConfigException or KubeConfigException)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }
            catch (Exception ex) when (ex is SourceUnreachableException or ClusterUnreachableException or IOException)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: could not run: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.CouldNotRun;
            }
        });
        return command;
    }

    /// <summary>
    /// <c>fix --gateway NS/NAME</c>: runs the same checks as check/analyze (live, or <c>--bundle DIR</c>) and prints
    /// the remedy that matches that gateway's findings (design.md §3). Exit 0 whether or not there is one.
    /// </summary>
    public static Command Fix(CliConsole console)
    {
        var gateway = new Option<string>("--gateway") { Description = "The gateway to fix, NAMESPACE/NAME", Required = true };
        var bundle = new Option<string?>("--bundle") { Description = "Diagnose from a bundle instead of the live cluster" };
        var config = new Option<string?>("--config") { Description = "Configuration file (YAML)" };
        var cluster = new ClusterOptions();
        var command = new Command("fix",
            "Print the remedy for one gateway's findings: the EPP trust fix (DestinationRule) for TLS failures, a fail-closed " +
            "stop-gap for body-loss risk, removal of a BUFFERED override that stalls a streaming EPP; manifests ready for 'kubectl apply -f -'");
        command.Options.Add(gateway);
        command.Options.Add(bundle);
        command.Options.Add(config);
        cluster.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var key = parse.GetValue(gateway)!;
            if (key.Split('/') is not [{ Length: > 0 } ns, { Length: > 0 } name])
            {
                await console.Error.WriteLineAsync($"llmd-doctor: --gateway {Envoy.Fix.Manifests.Quote(key)} is not NAMESPACE/NAME").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }

            try
            {
                var cfg = parse.GetValue(config) is { } path ? DoctorConfigLoader.LoadFile(path) : DoctorConfigLoader.Load("", "(defaults)");
                IInputSource source = parse.GetValue(bundle) is { } dir
                    ? new BundleSource(dir)
                    : new LiveClusterSource(cluster.Connect(parse, console), cfg);
                CycleResult result;
                try
                {
                    result = await new DoctorCycle(cfg, cfg.Policy([]), TimeProvider.System).RunAsync(source, CheckRegistry.All, ct).ConfigureAwait(false);
                }
                finally
                {
                    (source as IDisposable)?.Dispose();
                }

                var gw = result.Inputs.Cluster.FindGateway(ns, name);
                if (gw is null)
                {
                    await console.Error.WriteLineAsync($"llmd-doctor: Gateway {Envoy.Fix.Manifests.Quote(ns)}/{Envoy.Fix.Manifests.Quote(name)} not found").ConfigureAwait(false);
                    return ExitCodes.UsageOrConfig;
                }

                await console.Out.WriteAsync(GatewayRemedy.For(gw, result.Run.Findings, result.Inputs).Render()).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is ConfigException or KubeConfigException)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }
            catch (SourceUnreachableException ex)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: could not run: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.CouldNotRun;
            }
        });
        return command;
    }
}
