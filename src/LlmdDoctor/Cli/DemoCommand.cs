using System.CommandLine;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;

namespace LlmdDoctor.Cli;

/// <summary>
/// <c>demo</c>: starts the simulated llm-d cluster of a scenario on 127.0.0.1 and runs the doctor against it through the
/// live code path (kubeconfig → Kubernetes API → port-forward → probes → EPP gRPC → Prometheus/Grafana APIs).
/// </summary>
public static class DemoCommand
{
    public const string DefaultScenario = "seed-rhoai";

    public static Command Build(CliConsole console)
    {
        var options = new ReportOptions();
        var scenario = new Option<string>("--scenario")
        {
            Description = $"Scenario to simulate: {string.Join(", ", ScenarioCatalog.Names)}, or a generated fleet scale-<gateways>x<models> (default {DefaultScenario})",
            DefaultValueFactory = _ => DefaultScenario,
        };
        var serve = new Option<bool>("--serve") { Description = "Keep the simulator and the agent running (HTTP on --listen) until Ctrl-C" };
        var listen = new Option<string>("--listen") { Description = "Agent address with --serve", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("demo", "Start the simulated llm-d cluster (default: the seed cluster, where maas-gateway loses POST bodies) and run check against it");
        options.AddTo(command);
        command.Options.Add(scenario);
        command.Options.Add(serve);
        command.Options.Add(listen);
        command.SetAction(async (parse, ct) =>
        {
            if (options.ReadOrComplain(parse, console) is not { } settings)
            {
                return ExitCodes.UsageOrConfig;
            }

            Scenario loaded;
            try
            {
                loaded = ScenarioCatalog.Load(parse.GetValue(scenario)!);
            }
            catch (ArgumentException ex)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }

            await using var cluster = await SimulatedCluster.StartAsync(loaded, ct).ConfigureAwait(false);
            var workDir = Directory.CreateTempSubdirectory("llmd-demo-");
            try
            {
                var config = ConfigFor(cluster, settings.Config, workDir.FullName);
                var connection = Kubeconfig.Parse(await File.ReadAllTextAsync(cluster.KubeconfigPath, ct).ConfigureAwait(false), cluster.KubeconfigPath).Connection(null);
                using var source = new LiveClusterSource(connection, config, new ServiceAddresses(cluster.ServiceAddresses), "simulator", loaded.Name);
                var run = settings with { Config = config };
                if (parse.GetValue(serve))
                {
                    await console.Error.WriteLineAsync(
                        $"simulated cluster '{loaded.Name}' up in {cluster.StartupTime.TotalSeconds:0.0} s (API {cluster.ApiServer}, kubeconfig {cluster.KubeconfigPath}); " +
                        $"agent on {parse.GetValue(listen)}/ (the request-flow map; also /report?format=text, /metrics, /runbooks/LLMD0401). Ctrl-C stops.").ConfigureAwait(false);
                    return await AgentCommands.RunAgentAsync(run, source, parse.GetValue(listen)!, ct).ConfigureAwait(false);
                }

                var result = await new DoctorCycle(config, settings.Policy, TimeProvider.System).RunAsync(source, Core.Checks.CheckRegistry.All, ct).ConfigureAwait(false);
                return ReportOutput.Write(result.Report, run, console);
            }
            finally
            {
                workDir.Delete(recursive: true);
            }
        });
        return command;
    }

    /// <summary>The configuration a user would write for this cluster (see <see cref="SimulatorEndpoints.ConfigFor"/>).</summary>
    public static DoctorConfig ConfigFor(SimulatedCluster cluster, DoctorConfig user, string workDir) =>
        new SimulatorEndpoints(cluster.PrometheusUrl, cluster.PrometheusToken, cluster.GrafanaUrl, cluster.CaFile, [.. cluster.GatewayAddresses.Keys]).ConfigFor(user, workDir);
}
