using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Tests.Peers;

/// <summary>
/// The agent (<c>serve</c>) diagnosing a simulated cluster, on a free 127.0.0.1 port, as <c>demo --serve</c> runs it:
/// the tests that put real peers (Prometheus, Alertmanager, Chromium) in front of the agent start it this way.
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly DirectoryInfo _dir;
    private readonly LiveClusterSource _source;
    private Task<int>? _agent;

    private SimulatedAgent(SimulatedCluster cluster, DirectoryInfo dir, LiveClusterSource source, int port)
    {
        Cluster = cluster;
        _dir = dir;
        _source = source;
        Port = port;
    }

    public SimulatedCluster Cluster { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// Starts the scenario and the agent with the user configuration <paramref name="configYaml"/> (<c>{agent}</c> in it
    /// becomes the agent's URL); returns once the agent's first cycle is complete (<c>/readyz</c> 200).
    /// </summary>
    public static async Task<SimulatedAgent> StartAsync(string scenario, string configYaml, Action<SimulatedCluster>? before = null)
    {
        var port = PeerProcesses.FreePort();
        var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load(scenario));
        SimulatedAgent? agent = null;
        DirectoryInfo? dir = null;
        try
        {
            before?.Invoke(cluster);
            dir = Directory.CreateTempSubdirectory("llmd-agent-");
            var user = DoctorConfigLoader.Load(configYaml.Replace("{agent}", $"http://127.0.0.1:{port}", StringComparison.Ordinal), "test", new Dictionary<string, string?>());
            var config = DemoCommand.ConfigFor(cluster, user, dir.FullName);
            var connection = Kubeconfig.Parse(await File.ReadAllTextAsync(cluster.KubeconfigPath), cluster.KubeconfigPath).Connection(null);
            var source = new LiveClusterSource(connection, config, new ServiceAddresses(cluster.ServiceAddresses), "simulator", scenario);
            agent = new SimulatedAgent(cluster, dir, source, port);
            var settings = new ReportSettings(config, config.Policy([]), FailOn.Critical, "json");
            agent._agent = AgentCommands.RunAgentAsync(settings, source, agent.Url, agent._stop.Token, l => l.SetMinimumLevel(LogLevel.Warning));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await PeerProcesses.WaitReadyAsync(http, $"{agent.Url}/readyz", TimeSpan.FromMinutes(2));
            return agent;
        }
        catch
        {
            // A failed start leaves no simulated cluster, agent or folder behind for the rest of the run.
            if (agent is not null)
            {
                // The start's own exception is the one to report; a second one from the stopping agent is not.
                try
                {
                    await agent.DisposeAsync();
                }
                catch (Exception)
                {
                }
            }
            else
            {
                await cluster.DisposeAsync();
                dir?.Delete(recursive: true);
            }

            throw;
        }
    }

    /// <summary>The agent's current report (<c>/report</c>, JSON).</summary>
    public async Task<Report> ReportAsync(HttpClient http) => ReportJson.Deserialize(await http.GetStringAsync($"{Url}/report"))!;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_agent is not null)
        {
            await _agent.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _source.Dispose();
        await Cluster.DisposeAsync();
        _dir.Delete(recursive: true);
        _stop.Dispose();
    }
}
