using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Demo;

/// <summary>
/// <c>fix --gateway</c> against the live simulated seed cluster: maas-gateway, whose EPP stream fails TLS and whose
/// body is lost on fail-open, gets the EPP trust fix and the fail-closed stop-gap, never BUFFERED; the gateway that
/// already runs BUFFERED in front of the streaming llm-d scheduler is told to delete that override (LLMD0306).
/// </summary>
public sealed class FixEndToEndTests
{
    [Fact]
    public async Task Fix_prints_the_remedy_of_each_gateway_from_a_live_run()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));

        var maas = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/maas-gateway", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(maas.ExitCode == 0, maas.Error);
        var docs = YamlJson.ParseDocuments(maas.Out).Select(d => d!.AsObject()).ToList();
        Assert.Equal(["DestinationRule", "EnvoyFilter"], docs.Select(d => (string?)d["kind"]));
        Assert.Equal("SIMPLE", (string?)docs[0]["spec"]!["trafficPolicy"]!["tls"]!["mode"]);
        Assert.True((bool)docs[0]["spec"]!["trafficPolicy"]!["tls"]!["insecureSkipVerify"]!);
        Assert.False((bool)docs[1]["spec"]!["configPatches"]![0]!["patch"]!["value"]!["typed_config"]!["failure_mode_allow"]!);
        Assert.DoesNotContain("\"BUFFERED\"", maas.Out, StringComparison.Ordinal);

        var buffered = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/openshift-ai-inference", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(buffered.ExitCode == 0, buffered.Error);
        Assert.Contains("kubectl delete envoyfilter fix-extproc-body-mode -n openshift-ingress", buffered.Out, StringComparison.Ordinal);
    }
}
