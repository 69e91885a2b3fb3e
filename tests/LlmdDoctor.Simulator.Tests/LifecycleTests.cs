using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmdDoctor.Simulator.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public void Catalog_lists_the_scenarios_and_names_them_when_asked_for_an_unknown_one()
    {
        Assert.Contains("seed-rhoai", ScenarioCatalog.Names);
        Assert.Contains("healthy", ScenarioCatalog.Names);
        Assert.Contains("epp-no-ready-pods", ScenarioCatalog.Names);
        var error = Assert.Throws<ArgumentException>(() => ScenarioCatalog.Load("nope"));
        Assert.Contains("seed-rhoai", error.Message, StringComparison.Ordinal);
        Assert.Contains("healthy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seed-rhoai")]
    [InlineData("healthy")]
    [InlineData("epp-no-ready-pods")]
    [InlineData("monitoring-broken")]
    public void Every_scenario_loads_with_its_objects_envoy_files_and_expectations(string name)
    {
        var scenario = ScenarioCatalog.Load(name);

        Assert.Equal(name, scenario.Name);
        Assert.NotEmpty(scenario.Description);
        Assert.Contains(scenario.Objects, o => (string?)o["kind"] == "Gateway");
        Assert.Contains(scenario.EnvoyFiles.Keys, k => k.EndsWith("/config_dump.json", StringComparison.Ordinal));
        Assert.NotEmpty(scenario.Absent);
        Assert.All(scenario.Expect.Concat(scenario.Absent), f => Assert.Matches("^LLMD[0-9]{4}$", f.Code));
    }

    [Fact]
    public void Seed_scenario_carries_its_behaviour_switches_and_expected_findings()
    {
        var seed = ScenarioCatalog.Load("seed-rhoai");

        Assert.Equal(EppTls.Untrusted, seed.GatewayBehaviourOf("openshift-ingress", "maas-gateway").EppTls);
        Assert.Equal(VllmErrorShape.Flat, seed.Models["my-first-model/qwen3-0-6b"].ErrorShape);
        Assert.True(seed.Metrics.Renamed);
        Assert.False(seed.Metrics.Plain);
        var bodyLoss = Assert.Single(seed.Expect, f => f.Code == "LLMD0401");
        Assert.Equal(("gateway.networking.k8s.io", "Gateway", "openshift-ingress", "maas-gateway", true), (bodyLoss.Group, bodyLoss.Kind, bodyLoss.Namespace, bodyLoss.Name, bodyLoss.Live));
        Assert.Contains(seed.Absent, f => f.Code == "LLMD0001" && f.Kind is null);
    }

    [Fact]
    public void Bundle_can_be_written_out_for_analyze()
    {
        var directory = Directory.CreateTempSubdirectory("llmd-sim-bundle-");
        try
        {
            ScenarioCatalog.Load("seed-rhoai").WriteBundle(directory.FullName);
            var bundle = LlmdDoctor.Kubernetes.BundleReader.Read(directory.FullName);

            Assert.Equal(3, bundle.Snapshot.Gateways.Count);
            Assert.Equal(3, bundle.Envoy.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Seed_starts_well_under_ten_seconds_and_disposes_every_port_and_file()
    {
        var clock = Stopwatch.StartNew();
        var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var started = clock.Elapsed;
        var ports = cluster.ServiceAddresses.Values.Append(cluster.ApiServer).Append(cluster.PrometheusUrl).Append(cluster.GrafanaUrl)
            .Concat(cluster.GatewayAddresses.Values.SelectMany(a => a)).Select(u => u.Port).Distinct().ToList();
        var files = new[] { cluster.KubeconfigPath, cluster.CaFile };
        Assert.True(started < TimeSpan.FromSeconds(5), $"start-up took {started}");
        Assert.True(ports.Count >= 8, $"only {ports.Count} ports");
        Assert.All(ports, p => Assert.True(Accepts(p), $"port {p} does not accept"));

        await cluster.DisposeAsync();

        Assert.All(ports, p => Assert.False(Accepts(p), $"port {p} still accepts after dispose"));
        Assert.All(files, f => Assert.False(File.Exists(f), $"{f} left behind"));
        await cluster.DisposeAsync(); // idempotent
    }

    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
