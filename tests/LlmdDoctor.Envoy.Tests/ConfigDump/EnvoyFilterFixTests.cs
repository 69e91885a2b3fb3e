using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.Fix;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>
/// <c>fix envoyfilter</c>: golden YAML for the seed's uncovered 2-route gateway, and a round trip proving the
/// generated filter is one LLMD0302 then counts as covering. Regenerate goldens with LLMD_UPDATE_GOLDEN=1.
/// </summary>
public sealed class EnvoyFilterFixTests
{
    [Theory]
    [InlineData(true, "maas-gateway.from-dump.yaml")]
    [InlineData(false, "maas-gateway.from-pool.yaml")]
    public void Generates_the_golden_EnvoyFilter_for_maas_gateway(bool withDump, string golden)
    {
        var inputs = EnvoyFixtures.Load("ossm-1.26.2-workaround");
        var gateway = inputs.Cluster.FindGateway("openshift-ingress", "maas-gateway")!;

        var fix = EnvoyFilterFix.Generate(gateway, inputs.Flows, withDump ? inputs.Envoy : null);

        Assert.Equal(("openshift-ingress", "llmd-doctor-extproc-buffered-maas-gateway"), (fix.Namespace, fix.Name));
        Assert.Equal(["my-first-model.maas-model-route.0", "my-first-model.maas-model-route.1"], fix.Routes.Select(r => r.RouteName));
        Assert.All(fix.Routes, r => Assert.Equal("outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", r.EndpointPickerCluster));
        Assert.Empty(fix.Notes);
        AssertGolden(golden, fix.Yaml);
    }

    [Fact]
    public async Task The_generated_EnvoyFilter_round_trips_and_covers_the_gateway()
    {
        var before = EnvoyFixtures.Load("ossm-1.26.2-workaround");
        var gateway = before.Cluster.FindGateway("openshift-ingress", "maas-gateway")!;
        var yaml = EnvoyFilterFix.Generate(gateway, before.Flows, before.Envoy).Yaml;

        var after = EnvoyFixtures.Load("ossm-1.26.2-workaround", [yaml]);
        var generated = Assert.Single(after.Cluster.EnvoyFilters, f => f.Metadata.Name == "llmd-doctor-extproc-buffered-maas-gateway");
        var view = EnvoyFilterExtProcView.Of(generated);
        Assert.True(view.IsBodyModeWorkaround);
        Assert.Equal("BUFFERED", view.PatchedMode);
        Assert.Equal(["my-first-model.maas-model-route.0", "my-first-model.maas-model-route.1"], view.RouteNames);
        Assert.True(EnvoyFilterSelection.Selects(generated, gateway, EnvoyFilterSelection.GatewayPodLabels(after.Cluster, gateway), EnvoyFilterSelection.RootNamespaces(after.Cluster)));
        var other = after.Cluster.FindGateway("openshift-ingress", "openshift-ai-inference")!;
        Assert.False(EnvoyFilterSelection.Selects(generated, other, EnvoyFilterSelection.GatewayPodLabels(after.Cluster, other), EnvoyFilterSelection.RootNamespaces(after.Cluster)));

        var run = await new CheckRunner().RunAsync([new EnvoyFilterFixNotCoveringCheck(), new EnvoyFilterStaleRouteNameCheck()], after);
        Assert.Empty(run.Findings);
        var beforeRun = await new CheckRunner().RunAsync([new EnvoyFilterFixNotCoveringCheck()], before);
        Assert.Single(beforeRun.Findings);
    }

    [Fact]
    public void A_gateway_without_InferencePool_routes_gets_only_a_comment()
    {
        var gateway = new Gateway { Metadata = new ObjectMeta { Name = "plain", Namespace = "ns" } };
        var fix = EnvoyFilterFix.Generate(gateway, []);
        Assert.Empty(fix.Routes);
        Assert.All(fix.Yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("#", line, StringComparison.Ordinal));
    }

    private static void AssertGolden(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("LLMD_UPDATE_GOLDEN") == "1")
        {
            var target = Path.Combine(EnvoyFixtures.SourceRoot(), "golden", name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, actual);
        }

        Assert.Equal(File.ReadAllText(EnvoyFixtures.PathOf("golden", name)), actual);
    }
}
