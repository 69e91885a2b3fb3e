using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;

namespace LlmdDoctor.Bench;

/// <summary>
/// The simulated cluster in its own process (so the doctor's CPU and memory are measured apart from it), and the
/// doctor's side: a connection file with what a user would configure for that cluster.
/// </summary>
public static class SimulatorBench
{
    /// <summary>
    /// <c>simulate --scenario NAME [--latency-ms N] --out FILE</c>: starts the scenario (an embedded one, or a fleet
    /// <c>scale-GxM</c> whose vLLMs answer after N ms), with <c>--pods N</c> that many ordinary Pods applied
    /// (<see cref="PodInventoryBench.Pod"/>), writes the connection file, runs until SIGTERM.
    /// </summary>
    public static async Task<int> RunAsync(Args args)
    {
        var name = args.Str("scenario");
        var latency = args.Int("latency-ms", 0);
        var scenario = ScaleScenario.ParseName(name) is var (gateways, models) ? ScaleScenario.Generate(gateways, models, latency) : ScenarioCatalog.Load(name);
        await using var cluster = await SimulatedCluster.StartAsync(scenario);
        var pods = args.Int("pods", 0);
        for (var i = 0; i < pods; i++)
        {
            cluster.Apply(PodInventoryBench.Pod(i).ToJsonString());
        }

        var stopped = new TaskCompletionSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopped.TrySetResult(); });

        var path = args.Str("out");
        var temp = path + ".tmp";
        File.WriteAllText(temp, new JsonObject
        {
            ["scenario"] = scenario.Name,
            ["kubeconfig"] = cluster.KubeconfigPath,
            ["ca_file"] = cluster.CaFile,
            ["prometheus_url"] = cluster.PrometheusUrl.ToString(),
            ["prometheus_token"] = cluster.PrometheusToken,
            ["grafana_url"] = cluster.GrafanaUrl.ToString(),
            ["gateways"] = new JsonArray([.. cluster.GatewayAddresses.Keys.Select(k => (JsonNode)k)]),
            ["service_addresses"] = new JsonObject(cluster.ServiceAddresses.Select(kv => KeyValuePair.Create<string, JsonNode?>(kv.Key, kv.Value.ToString()))),
            ["startup_seconds"] = Math.Round(cluster.StartupTime.TotalSeconds, 2),
            ["extra_pods"] = pods,
            ["pid"] = Environment.ProcessId,
        }.ToJsonString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
        Console.Error.WriteLine($"simulated {scenario.Name} up in {cluster.StartupTime.TotalSeconds:0.0} s ({cluster.GatewayAddresses.Count} gateways)");
        await stopped.Task;
        return 0;
    }

    /// <summary>Waits for the simulator's connection file (it is moved into place once complete).</summary>
    public static async Task<JsonObject> WaitForConnectionAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no simulator connection file {path} after {timeout.TotalSeconds} s");
            }

            await Task.Delay(100);
        }

        return (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(path))!;
    }

    /// <summary>The doctor's live source for that cluster: kubeconfig, the configuration a user would write, the Service addresses.</summary>
    public static (DoctorConfig Config, LiveClusterSource Source, string Scenario) Open(JsonObject connection, DoctorConfig user, string workDir)
    {
        var endpoints = new SimulatorEndpoints(
            new Uri((string)connection["prometheus_url"]!),
            (string)connection["prometheus_token"]!,
            new Uri((string)connection["grafana_url"]!),
            (string)connection["ca_file"]!,
            [.. ((JsonArray)connection["gateways"]!).Select(g => (string)g!)]);
        var config = endpoints.ConfigFor(user, workDir);
        var kubeconfig = (string)connection["kubeconfig"]!;
        var kube = Kubeconfig.Parse(File.ReadAllText(kubeconfig), kubeconfig).Connection(null);
        var addresses = ((JsonObject)connection["service_addresses"]!).ToDictionary(kv => kv.Key, kv => new Uri((string)kv.Value!), StringComparer.Ordinal);
        var scenario = (string)connection["scenario"]!;
        return (config, new LiveClusterSource(kube, config, new ServiceAddresses(addresses), "simulator", scenario), scenario);
    }
}
