using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Probes.Tests;

/// <summary>
/// KServe's header model routing (opendatahub-io/kserve config/llmisvcconfig/config-llm-router-route.yaml @6e28ce7f6):
/// one <c>v1-model-routing</c> rule with Exact matches plus <c>X-Gateway-Model-Name: publishers/&lt;ns&gt;/models/&lt;model&gt;</c>,
/// and a header-only catch-all to the workload Service. Two models share every rule name on one gateway.
/// </summary>
public sealed class HeaderRoutingPlanTests
{
    private const string Header = "X-Gateway-Model-Name";

    private static readonly Gateway Gw = new()
    {
        Metadata = new ObjectMeta { Namespace = "openshift-ingress", Name = "gw" },
        Spec = new GatewaySpec { Listeners = [new GatewayListener { Name = "http", Port = 80, Protocol = "HTTP" }] },
    };

    private static List<RequestFlow> Model(string name, string headerValue, string created)
    {
        var route = new HttpRoute { Metadata = new ObjectMeta { Namespace = "llm", Name = $"{name}-kserve-route", CreationTimestamp = created } };
        var pool = new FlowBackend(BackendKind.InferencePool, "inference.networking.k8s.io", "llm", $"{name}-inference-pool", 8000, 1, true);
        var svc = new FlowBackend(BackendKind.Service, "", "llm", $"{name}-kserve-workload-svc", 8000, 1, true);
        var header = new ValueMatch(Header, headerValue, false);
        RequestFlow Flow(int rule, int match, string ruleName, FlowMatch m, FlowBackend backend) => new()
        {
            Gateway = Gw, Route = route, RuleIndex = rule, MatchIndex = match, EnvoyRouteName = ruleName, Match = m,
            ApiPrefix = RequestFlowMap.ApiPrefixOf(m.NormalizedPath), Backends = [backend], Model = name, BaseUrl = "http://10.0.0.1",
        };

        return
        [
            Flow(0, 0, "v1-chat-completions-path", FlowMatch.Prefix($"/llm/{name}/v1/chat/completions"), pool),
            Flow(1, 0, "v1-model-routing", FlowMatch.Exact("/v1/completions") with { Headers = [header] }, pool),
            Flow(1, 1, "v1-model-routing", FlowMatch.Exact("/v1/chat/completions") with { Headers = [header] }, pool),
            Flow(2, 0, "v1-catch-all-path", FlowMatch.Prefix($"/llm/{name}"), svc),
            Flow(3, 0, "v1-catch-all-model-routing", FlowMatch.Any with { Headers = [header] }, svc),
        ];
    }

    [Fact]
    public void Each_model_is_probed_by_path_and_by_header_through_its_own_rules()
    {
        var flows = Model("a", "publishers/llm/models/a", "2026-01-01T00:00:00Z").Concat(Model("b", "publishers/llm/models/b", "2026-02-01T00:00:00Z")).ToList();
        var plan = ProbePlanner.Build(flows, new ProbeSettings());
        Assert.Empty(plan.Unprobed);

        var byHeader = plan.Groups.Single(g => g.Models.Headers.Any(h => h.Value == "publishers/llm/models/b"));
        Assert.Equal(Header, Assert.Single(byHeader.Models.Headers).Key);
        // GET /v1/models with the header: only the header-only catch-all accepts it (Service, not the pool).
        Assert.Equal(("llm/b-kserve-route", 3, false), (byHeader.Models.RouteKey, byHeader.Models.RuleIndex, byHeader.Models.ViaInferencePool));
        // POST chat with the header: Exact beats the header-only prefix; model b's rule, not a's of the same name.
        var chat = Assert.Single(byHeader.Inferences, t => t.Path == "/v1/chat/completions");
        Assert.Equal(("llm/b-kserve-route", 1, 1, true), (chat.RouteKey, chat.RuleIndex, chat.MatchIndex, chat.ViaInferencePool));
        Assert.Equal("v1-model-routing", chat.EnvoyRouteName);
        Assert.All(byHeader.Targets, t => Assert.Equal(byHeader.Models.Headers, t.Headers));
        Assert.Contains(byHeader.Inferences, t => t.Path == "/v1/completions" && t.RuleIndex == 1 && t.MatchIndex == 0);

        // The path entry of the same model sends no header and walks the path rules.
        var byPath = plan.Groups.Single(g => g.ApiPrefix == "/llm/b");
        Assert.Empty(byPath.Models.Headers);
        Assert.Equal(2, byPath.Models.RuleIndex);
        Assert.NotEqual(byPath.Models.Entry, byHeader.Models.Entry);
    }

    public static TheoryData<string, ValueMatch, string> Unprobeable() => new()
    {
        { "CR LF in the value", new ValueMatch(Header, "publishers/llm/models/a\r\nX-Injected: 1", false), "cannot be sent" },
        { "NUL in the value", new ValueMatch(Header, "a\0b", false), "cannot be sent" },
        { "a name that is no token", new ValueMatch("X Bad:Name", "a", false), "cannot be sent" },
        { "non-ASCII value", new ValueMatch(Header, "modèle", false), "cannot be sent" },
        { "regular expression", new ValueMatch(Header, "publishers/.*", true), "regular expression" },
    };

    [Theory]
    [MemberData(nameof(Unprobeable))]
    public void A_header_a_probe_cannot_send_is_an_unprobed_target_with_its_reason_never_a_probe(string name, ValueMatch header, string reason)
    {
        var flows = Model("a", "publishers/llm/models/a", "2026-01-01T00:00:00Z")
            .Select(f => f.Match.Headers.Count > 0 ? f with { Match = f.Match with { Headers = [header] } } : f).ToList();
        var plan = ProbePlanner.Build(flows, new ProbeSettings());
        Assert.Equal(3, plan.Unprobed.Count);
        Assert.All(plan.Unprobed, u => Assert.Contains(reason, u.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Targets, t => t.Headers.Count > 0);
        Assert.All(plan.Unprobed, u => Assert.DoesNotContain('\n', u.Reason));
        Assert.True(plan.Groups.Count == 1, name);
    }

    [Fact]
    public void Query_parameter_and_regex_path_matches_are_unprobed_not_dropped()
    {
        var flows = Model("a", "publishers/llm/models/a", "2026-01-01T00:00:00Z");
        flows[0] = flows[0] with { Match = flows[0].Match with { QueryParams = [new ValueMatch("v", "1", false)] } };
        flows[3] = flows[3] with { Match = new FlowMatch { PathKind = PathMatchKind.RegularExpression, PathValue = "/llm/a/.*" } };
        var plan = ProbePlanner.Build(flows, new ProbeSettings());
        Assert.Equal(["it matches query parameters", "its path is a regular expression"], plan.Unprobed.Select(u => u.Reason[(u.Reason.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
    }
}
