using System.Text.Json.Nodes;
using LlmdDoctor.Agent;
using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Demo;

/// <summary>
/// Issue #6 end to end: on the simulated seed cluster, the EnvoyFilter that <c>fix envoyfilter</c> prints for
/// maas-gateway, once applied, makes the next cycle's POST probe pass — and the doctor then says the caveat out loud:
/// the body arrives, but the EPP (still unreachable over TLS) did not pick the pod.
/// </summary>
public sealed class EnvoyFilterFixEndToEndTests
{
    [Fact]
    public async Task The_generated_envoyfilter_makes_maas_gateway_keep_the_body()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var dir = Directory.CreateTempSubdirectory("llmd-fix-");
        try
        {
            var config = DemoCommand.ConfigFor(cluster, DoctorConfigLoader.Load("", "test", new Dictionary<string, string?>()), dir.FullName);
            var connection = Kubeconfig.Parse(await File.ReadAllTextAsync(cluster.KubeconfigPath), cluster.KubeconfigPath).Connection(null);
            using var source = new LiveClusterSource(connection, config, new ServiceAddresses(cluster.ServiceAddresses), "simulator", "seed-rhoai");
            var cycle = new DoctorCycle(config, config.Policy([]), TimeProvider.System);

            var before = await cycle.RunAsync(source, CheckRegistry.All, default);
            Assert.Contains(before.Report.Findings, f => f.Code == "LLMD0401" && f.Subject.Name == "maas-gateway");
            Assert.Contains(before.Report.Findings, f => f.Code == "LLMD0302" && f.Subject.Name == "maas-gateway");

            var fix = await CliRunner.RunAsync(["fix", "envoyfilter", "--gateway", "openshift-ingress/maas-gateway", "--kubeconfig", cluster.KubeconfigPath]);
            Assert.True(fix.ExitCode == 0, fix.Error);
            var filter = Assert.IsType<JsonObject>(YamlJson.ParseDocuments(fix.Out).Single());
            Assert.Equal(["openshift-ingress/maas-gateway"], cluster.ApplyEnvoyFilter(filter));

            var after = await cycle.RunAsync(source, CheckRegistry.All, default);
            var maas = after.Report.Findings.Where(f => f.Subject.Name == "maas-gateway").Select(f => f.Code).ToList();
            Assert.DoesNotContain("LLMD0401", maas);
            Assert.DoesNotContain("LLMD0301", maas);
            Assert.DoesNotContain("LLMD0302", maas);
            Assert.DoesNotContain("LLMD0304", maas);
            var chat = after.Report.Flows.Single(f => f.Gateway == "openshift-ingress/maas-gateway" && f.Path.EndsWith("/v1/chat/completions", StringComparison.Ordinal));
            Assert.Equal("BUFFERED", chat.EffectiveBodyMode);
            Assert.Equal(200, chat.Probes.Single().Status);

            // The runbook's caveat: BUFFERED keeps the body, but the EPP stream still fails, so the EPP is bypassed.
            Assert.Contains("LLMD0407", maas);
            Assert.Contains("LLMD0204", maas);

            // The second cycle compares Envoy's counters with the first's: the probes since then grew them.
            Assert.Equal("since the proxy started", before.Report.Findings.Single(f => f.Code == "LLMD0204" && f.Subject.Name == "maas-gateway").Evidence["counted"]);
            Assert.Equal("since the previous cycle", after.Report.Findings.Single(f => f.Code == "LLMD0204" && f.Subject.Name == "maas-gateway").Evidence["counted"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
