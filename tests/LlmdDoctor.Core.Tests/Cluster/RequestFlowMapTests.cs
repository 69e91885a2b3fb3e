using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

public sealed class RequestFlowMapTests
{
    [Fact]
    public void KServe_route_rules_become_flows_with_istio_route_names_and_urls()
    {
        var flows = RequestFlowMap.Build(new ClusterFixture().Snapshot());
        Assert.Equal(3, flows.Count);
        Assert.Equal(
            ["my-first-model.qwen3-0-6b-kserve-route.0", "my-first-model.qwen3-0-6b-kserve-route.1", "my-first-model.qwen3-0-6b-kserve-route.2"],
            flows.Select(f => f.EnvoyRouteName));
        var chat = flows[1];
        Assert.Equal("/my-first-model/qwen3-0-6b/v1/chat/completions", chat.Path);
        Assert.Equal("/my-first-model/qwen3-0-6b", chat.ApiPrefix);
        Assert.True(chat.IsPoolRoute);
        Assert.Equal(InferencePool.GroupV1Alpha2, chat.PrimaryBackend!.Group);
        Assert.Equal("my-first-model/qwen3-0-6b-epp-service", chat.EndpointPicker);
        Assert.Equal("Qwen/Qwen3-0.6B", chat.Model);
        Assert.Equal("https://gw.example.com", chat.BaseUrl);
        Assert.False(flows[2].IsPoolRoute);
        Assert.Equal("Service my-first-model/qwen3-0-6b-kserve-workload-svc:8000", flows[2].PrimaryBackend!.Describe());
    }

    [Fact]
    public void A_named_rule_keeps_its_name_and_a_gateway_without_address_has_no_url()
    {
        var fixture = new ClusterFixture()
            .Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o => o["spec"]!["rules"]![1]!["name"] = "chat")
            .Mutate("Gateway", "openshift-ai-inference", o => o["status"]!["addresses"] = new System.Text.Json.Nodes.JsonArray());
        var flows = RequestFlowMap.Build(fixture.Snapshot());
        Assert.Equal("chat", flows[1].EnvoyRouteName);
        Assert.All(flows, f => Assert.Null(f.BaseUrl));
    }

    [Fact]
    public void Flows_carry_the_host_of_the_route_and_listener_hostnames()
    {
        Assert.All(RequestFlowMap.Build(new ClusterFixture().Snapshot()), f => Assert.Null(f.Host));

        var fixture = new ClusterFixture()
            .Mutate("Gateway", "openshift-ai-inference", o => o["spec"]!["listeners"]![0]!["hostname"] = "*.apps.example.com")
            .Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o => o["spec"]!["hostnames"] = new System.Text.Json.Nodes.JsonArray("models.apps.example.com"));
        Assert.All(RequestFlowMap.Build(fixture.Snapshot()), f => Assert.Equal("models.apps.example.com", f.Host));
    }

    [Theory]
    [InlineData("/ns/m/v1/chat/completions", "/ns/m")]
    [InlineData("/ns/m/v1/completions", "/ns/m")]
    [InlineData("/ns/m/v1", "/ns/m")]
    [InlineData("/ns/m", "/ns/m")]
    [InlineData("/", "")]
    public void Api_prefix_strips_openai_paths(string path, string prefix) => Assert.Equal(prefix, RequestFlowMap.ApiPrefixOf(path));
}
