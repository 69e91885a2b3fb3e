using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Probes.Tests;

/// <summary>
/// The HTTPRoute each KServe generation renders for an LLMInferenceService, hand-written from
/// opendatahub-io/kserve <c>config/llmisvcconfig/config-llm-router-route.yaml</c> at the cited commit (namespace
/// <c>llm</c>, services <c>a</c> and <c>b</c>, models <c>org/a</c> and <c>org/b</c>, default header
/// <c>X-Gateway-Model-Name</c> from <c>pkg/apis/serving/v1beta1/configmap.go</c>), through the flow map and the
/// planner: which rule and match each probe walks and which headers it carries.
/// </summary>
public sealed class KServeRouteGenerationTests
{
    private const string Header = "X-Gateway-Model-Name";

    private static HttpRouteRule Rule(string? name, HttpBackendRef backend, params HttpRouteMatch[] matches) =>
        new() { Name = name, BackendRefs = [backend], Matches = [.. matches] };

    private static HttpRouteMatch Prefix(string path) => new() { Path = new HttpPathMatch { Type = "PathPrefix", Value = path } };

    private static HttpRouteMatch Exact(string path, string svc) => new()
    {
        Path = new HttpPathMatch { Type = "Exact", Value = path },
        Headers = [new HttpHeaderMatch { Type = "Exact", Name = Header, Value = $"publishers/llm/models/org/{svc}" }],
    };

    private static HttpRouteMatch HeaderOnly(string svc) =>
        new() { Headers = [new HttpHeaderMatch { Type = "Exact", Name = Header, Value = $"publishers/llm/models/org/{svc}" }] };

    private static HttpBackendRef Pool(string svc, string group = "inference.networking.k8s.io") =>
        new() { Group = group, Kind = "InferencePool", Name = $"{svc}-inference-pool", Port = 8000, Weight = 1 };

    private static HttpBackendRef Service(string svc) => new() { Kind = "Service", Name = $"{svc}-kserve-workload-svc", Port = 8000, Weight = 1 };

    /// <summary>d9d658f80: one PathPrefix /&lt;ns&gt;/&lt;name&gt; rule to the pool; GET /v1/models passes the EPP too.</summary>
    private static List<HttpRouteRule> OnePrefixRule(string svc) => [Rule(null, Pool(svc, "inference.networking.x-k8s.io"), Prefix($"/llm/{svc}"))];

    /// <summary>a05b22692: completions and chat to the pool, the catch-all to the workload Service; rules unnamed.</summary>
    private static List<HttpRouteRule> ThreePathRules(string svc) =>
    [
        Rule(null, Pool(svc), Prefix($"/llm/{svc}/v1/completions")),
        Rule(null, Pool(svc), Prefix($"/llm/{svc}/v1/chat/completions")),
        Rule(null, Service(svc), Prefix($"/llm/{svc}")),
    ];

    /// <summary>7f4fb4610: named rules, each path rule with a model-routing twin (Exact + header), header-only catch-all.</summary>
    private static List<HttpRouteRule> NamedWithModelRouting(string svc) =>
    [
        Rule("v1-completions-path", Pool(svc), Prefix($"/llm/{svc}/v1/completions")),
        Rule("v1-completions-model-routing", Pool(svc), Exact("/v1/completions", svc), Exact("/v1/completions/", svc)),
        Rule("v1-chat-completions-path", Pool(svc), Prefix($"/llm/{svc}/v1/chat/completions")),
        Rule("v1-chat-completions-model-routing", Pool(svc), Exact("/v1/chat/completions", svc), Exact("/v1/chat/completions/", svc)),
        Rule("v1-responses-path", Pool(svc), Prefix($"/llm/{svc}/v1/responses")),
        Rule("v1-responses-model-routing", Pool(svc), Exact("/v1/responses", svc), Exact("/v1/responses/", svc)),
        Rule("v1-catch-all-path", Service(svc), Prefix($"/llm/{svc}")),
        Rule("v1-catch-all-model-routing", Service(svc), HeaderOnly(svc)),
    ];

    /// <summary>6e28ce7f6: one v1-model-routing rule with eight Exact+header matches, /v1/messages, publisher paths.</summary>
    private static List<HttpRouteRule> ConsolidatedModelRouting(string svc)
    {
        var publisher = $"/publishers/llm/models/org/{svc}";
        return
        [
            Rule("v1-completions-path", Pool(svc), Prefix($"/llm/{svc}/v1/completions")),
            Rule("v1-chat-completions-path", Pool(svc), Prefix($"/llm/{svc}/v1/chat/completions")),
            Rule("v1-responses-path", Pool(svc), Prefix($"/llm/{svc}/v1/responses")),
            Rule("v1-messages-path", Pool(svc), Prefix($"/llm/{svc}/v1/messages")),
            Rule("v1-model-routing", Pool(svc), [.. new[] { "/v1/completions", "/v1/chat/completions", "/v1/responses", "/v1/messages" }
                .SelectMany(p => new[] { Exact(p, svc), Exact(p + "/", svc) })]),
            Rule("v1-completions-publisher-path", Pool(svc), Prefix($"{publisher}/v1/completions")),
            Rule("v1-chat-completions-publisher-path", Pool(svc), Prefix($"{publisher}/v1/chat/completions")),
            Rule("v1-responses-publisher-path", Pool(svc), Prefix($"{publisher}/v1/responses")),
            Rule("v1-messages-publisher-path", Pool(svc), Prefix($"{publisher}/v1/messages")),
            Rule("v1-publisher-path-catch-all", Service(svc), Prefix(publisher)),
            Rule("v1-catch-all-path", Service(svc), Prefix($"/llm/{svc}")),
            Rule("v1-catch-all-model-routing", Service(svc), HeaderOnly(svc)),
        ];
    }

    private static ClusterSnapshot Cluster(Func<string, List<HttpRouteRule>> generation)
    {
        var parent = new ParentReference { Group = "gateway.networking.k8s.io", Kind = "Gateway", Namespace = "openshift-ingress", Name = "gw" };
        HttpRoute Route(string svc, string created) => new()
        {
            Metadata = new ObjectMeta { Namespace = "llm", Name = $"{svc}-kserve-route", CreationTimestamp = created },
            Spec = new HttpRouteSpec { ParentRefs = [parent], Rules = generation(svc) },
        };

        LlmInferenceService Service(string svc) => new()
        {
            Metadata = new ObjectMeta { Namespace = "llm", Name = svc },
            Spec = new LlmInferenceServiceSpec { Model = new LlmModelSpec { Name = $"org/{svc}" } },
        };

        return new ClusterSnapshot
        {
            Gateways =
            [
                new Gateway
                {
                    Metadata = new ObjectMeta { Namespace = "openshift-ingress", Name = "gw" },
                    Spec = new GatewaySpec { Listeners = [new GatewayListener { Name = "http", Port = 80, Protocol = "HTTP" }] },
                    Status = new GatewayStatus { Addresses = [new GatewayAddress { Value = "10.0.0.1" }] },
                },
            ],
            HttpRoutes = [Route("a", "2026-01-01T00:00:00Z"), Route("b", "2026-02-01T00:00:00Z")],
            LlmInferenceServices = [Service("a"), Service("b")],
        };
    }

    /// <summary>Each planned probe of model b as <c>entry probe → rule.match (pool|svc) headers</c>.</summary>
    private static List<string> ProbesOfB(ClusterSnapshot cluster)
    {
        var plan = ProbePlanner.Build(RequestFlowMap.Build(cluster), new ProbeSettings());
        Assert.Empty(plan.Unprobed);
        return [.. plan.Targets
            .Where(t => t.Path.Contains("/b/", StringComparison.Ordinal) || t.Headers.Any(h => h.Value.EndsWith("/b", StringComparison.Ordinal)))
            .Select(t => $"{t.Method} {t.Path} → {t.RouteName}#{t.RuleIndex}.{t.MatchIndex} {(t.ViaInferencePool ? "pool" : "svc")}{(t.Headers.Count == 0 ? "" : $" [{string.Join(",", t.Headers.Select(h => $"{h.Key}={h.Value}"))}]")}")];
    }

    [Fact]
    public void One_prefix_rule_sends_every_probe_through_the_pool()
    {
        var cluster = Cluster(OnePrefixRule);
        Assert.Equal(2, RequestFlowMap.Build(cluster).Count);
        Assert.Equal(
            ["GET /llm/b/v1/models → b-kserve-route#0.0 pool", "POST /llm/b/v1/chat/completions → b-kserve-route#0.0 pool"],
            ProbesOfB(cluster));
    }

    [Fact]
    public void Three_path_rules_send_models_to_the_service_and_inference_to_the_pool()
    {
        var cluster = Cluster(ThreePathRules);
        Assert.Equal(["llm.b-kserve-route.0", "llm.b-kserve-route.1", "llm.b-kserve-route.2"],
            RequestFlowMap.Build(cluster).Where(f => f.Route.Metadata.Name == "b-kserve-route").Select(f => f.EnvoyRouteName));
        Assert.Equal(
            [
                "GET /llm/b/v1/models → b-kserve-route#2.0 svc",
                "POST /llm/b/v1/chat/completions → b-kserve-route#1.0 pool",
                "POST /llm/b/v1/completions → b-kserve-route#0.0 pool",
            ],
            ProbesOfB(cluster));
    }

    [Fact]
    public void Named_rules_with_model_routing_are_probed_by_path_and_by_header_each_through_its_own_route()
    {
        var cluster = Cluster(NamedWithModelRouting);
        var flows = RequestFlowMap.Build(cluster).Where(f => f.Route.Metadata.Name == "b-kserve-route").ToList();
        Assert.Equal(11, flows.Count);
        Assert.Equal("/llm/b", flows.Single(f => f.EnvoyRouteName == "v1-responses-path").ApiPrefix);
        Assert.True(flows.Single(f => f.EnvoyRouteName == "v1-catch-all-model-routing").Match.IsHeaderOnly);
        const string H = $"[{Header}=publishers/llm/models/org/b]";
        Assert.Equal(
            [
                $"GET /v1/models → b-kserve-route#7.0 svc {H}",
                $"POST /v1/chat/completions → b-kserve-route#3.0 pool {H}",
                $"POST /v1/completions → b-kserve-route#1.0 pool {H}",
                "GET /llm/b/v1/models → b-kserve-route#6.0 svc",
                "POST /llm/b/v1/chat/completions → b-kserve-route#2.0 pool",
                "POST /llm/b/v1/completions → b-kserve-route#0.0 pool",
            ],
            ProbesOfB(cluster));
    }

    [Fact]
    public void Consolidated_model_routing_picks_the_exact_match_of_the_one_rule_and_adds_messages_and_publisher_paths()
    {
        var cluster = Cluster(ConsolidatedModelRouting);
        var flows = RequestFlowMap.Build(cluster).Where(f => f.Route.Metadata.Name == "b-kserve-route").ToList();
        Assert.Equal(19, flows.Count);
        Assert.Equal(8, flows.Count(f => f.EnvoyRouteName == "v1-model-routing"));
        Assert.Equal("/llm/b", flows.Single(f => f.EnvoyRouteName == "v1-messages-path").ApiPrefix);
        Assert.Equal("/publishers/llm/models/org/b", flows.Single(f => f.EnvoyRouteName == "v1-messages-publisher-path").ApiPrefix);
        const string H = $"[{Header}=publishers/llm/models/org/b]";
        Assert.Equal(
            [
                $"GET /v1/models → b-kserve-route#11.0 svc {H}",
                $"POST /v1/chat/completions → b-kserve-route#4.2 pool {H}",
                $"POST /v1/completions → b-kserve-route#4.0 pool {H}",
                "GET /llm/b/v1/models → b-kserve-route#10.0 svc",
                "POST /llm/b/v1/chat/completions → b-kserve-route#1.0 pool",
                "POST /llm/b/v1/completions → b-kserve-route#0.0 pool",
                "GET /publishers/llm/models/org/b/v1/models → b-kserve-route#9.0 svc",
                "POST /publishers/llm/models/org/b/v1/chat/completions → b-kserve-route#6.0 pool",
                "POST /publishers/llm/models/org/b/v1/completions → b-kserve-route#5.0 pool",
            ],
            ProbesOfB(cluster));
    }
}
