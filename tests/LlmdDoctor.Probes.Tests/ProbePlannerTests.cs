using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

public class ProbePlannerTests
{
    [Fact]
    public void Plans_models_chat_and_completions_per_gateway_and_model_with_the_matching_rule()
    {
        var flows = TestFlows.KServe("/my-first-model/qwen3-0-6b", "https://gw.example");
        flows.Add(TestFlows.Dashboard("https://gw.example"));

        var plan = ProbePlanner.Build(flows, new ProbeSettings());

        var group = Assert.Single(plan.Groups);
        Assert.Equal(["models", "chat", "completions"], group.Targets.Select(t => t.Kind.ToLabel()));
        var (models, chat, completions) = (group.Models, group.Inferences[0], group.Inferences[1]);
        Assert.Equal(("GET", "https://gw.example/my-first-model/qwen3-0-6b/v1/models", 2, false), (models.Method, models.Url, models.RuleIndex, models.ViaInferencePool));
        Assert.Equal(("POST", "/my-first-model/qwen3-0-6b/v1/chat/completions", "llm.my-first-model-qwen3-0-6b-kserve-route.1", true),
            (chat.Method, chat.Path, chat.EnvoyRouteName, chat.ViaInferencePool));
        Assert.Equal((0, true), (completions.RuleIndex, completions.ViaInferencePool));
        Assert.Null(group.Direct);
        Assert.Empty(plan.Unprobed);
    }

    [Fact]
    public void Probes_carry_the_host_their_route_answers_unless_the_gateway_s_configuration_names_one()
    {
        var flows = TestFlows.KServe("/ns/m", "https://203.0.113.7").Select(f => f with { Host = "models.apps.example.com" }).ToList();
        flows.AddRange(TestFlows.KServe("/ns/m", "https://203.0.113.7").Select(f => f with { Host = "other.apps.example.com" }));

        var plan = ProbePlanner.Build(flows, new ProbeSettings());
        Assert.Equal(["models.apps.example.com", "other.apps.example.com"], plan.Groups.Select(g => g.Options.Host));
        Assert.All(plan.Groups, g => Assert.Equal(3, g.Targets.Count()));

        var configured = ProbePlanner.Build(flows, new ProbeSettings
        {
            Gateways = new Dictionary<string, GatewayProbeOptions> { ["openshift-ingress/maas-gateway"] = new() { Host = "configured.example.com" } },
        });
        Assert.All(configured.Groups, g => Assert.Equal("configured.example.com", g.Options.Host));

        var anyHost = ProbePlanner.Build(TestFlows.KServe("/ns/m", "https://203.0.113.7"), new ProbeSettings());
        Assert.Null(Assert.Single(anyHost.Groups).Options.Host);
    }

    [Fact]
    public void Direct_probe_of_the_catch_all_Service_only_when_in_cluster()
    {
        var flows = TestFlows.KServe("/ns/m", "http://gw");

        var plan = ProbePlanner.Build(flows, new ProbeSettings { ProbeModelServicesDirectly = true });

        var direct = Assert.Single(plan.Groups).Direct!;
        Assert.Equal(ProbeKind.Direct, direct.Kind);
        Assert.Equal("https://ns-m-kserve-workload-svc.llm.svc.cluster.local:8000/v1/models", direct.Url);
        Assert.Equal("llm/ns-m-kserve-workload-svc", direct.Service);
        Assert.Equal(2, direct.RuleIndex);
    }

    [Fact]
    public void Overrides_replace_the_address_and_the_model_and_gateways_without_address_are_reported()
    {
        var other = new LlmdDoctor.Core.Cluster.Gateway { Metadata = new() { Namespace = "openshift-ingress", Name = "openshift-ai-inference" } };
        var flows = TestFlows.KServe("/a/b", "https://203.0.113.7");
        flows.AddRange(TestFlows.KServe("/c/d", baseUrl: null, gateway: other));
        var settings = new ProbeSettings
        {
            ModelOverride = "global-model",
            Gateways = new Dictionary<string, GatewayProbeOptions>
            {
                ["openshift-ingress/maas-gateway"] = new() { BaseUrl = "https://maas.openshift-ingress.svc.cluster.local/", ModelOverride = "maas-model" },
            },
        };

        var plan = ProbePlanner.Build(flows, settings);

        var group = Assert.Single(plan.Groups);
        Assert.Equal("https://maas.openshift-ingress.svc.cluster.local/a/b/v1/models", group.Models.Url);
        Assert.Equal("maas-model", group.ModelOverride);
        Assert.Equal("maas-model", group.Models.ExpectedModel);
        var unprobed = Assert.Single(plan.Unprobed);
        Assert.Equal(("openshift-ingress/openshift-ai-inference", "/c/d"), (unprobed.Gateway, unprobed.ApiPrefix));
    }

    [Fact]
    public void Credentials_never_print()
    {
        var options = new GatewayProbeOptions { Credential = ProbeCredential.Bearer(TestGateway.Secret) };

        Assert.DoesNotContain(TestGateway.Secret, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestGateway.Secret, new ProbeSettings { Gateways = new Dictionary<string, GatewayProbeOptions> { ["a/b"] = options } }.ToString(), StringComparison.Ordinal);
    }
}
