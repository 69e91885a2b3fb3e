using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using static LlmdDoctor.Core.Findings.FindingCatalog;

namespace LlmdDoctor.Core.Tests.Incidents;

/// <summary>
/// The causal rules over small sets of findings: each row that links gives one incident with the expected chain; each
/// "expect nothing" row (the same codes on unrelated subjects, or a condition that does not hold) gives one incident
/// per finding.
/// </summary>
public sealed class IncidentBuilderTests
{
    private const string Gw = "openshift-ingress/maas-gateway";
    private const string OtherGw = "openshift-ingress/openshift-ai-inference";
    private const string EppCluster = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";
    private const string Owner = "LLMInferenceService my-first-model/qwen3-0-6b";

    private static readonly Subject Gateway = Subject.Gateway("openshift-ingress", "maas-gateway");
    private static readonly Subject Other = Subject.Gateway("openshift-ingress", "openshift-ai-inference");
    private static readonly Subject Pool = new(InferencePool.GroupV1, "InferencePool", "my-first-model", "qwen3-0-6b-inference-pool");
    private static readonly Subject OtherPool = new(InferencePool.GroupV1, "InferencePool", "other-model", "other-pool");
    private static readonly Subject Epp = Subject.Service("my-first-model", "qwen3-0-6b-epp-service");
    private static readonly Subject Llmisvc = new("serving.kserve.io", "LLMInferenceService", "my-first-model", "qwen3-0-6b");
    private static readonly Subject Dashboard = new("grafana.integreatly.org", "GrafanaDashboard", "llm-d-monitoring", "llm-d-vllm-overview");
    private static readonly Subject OtherDashboard = new("grafana.integreatly.org", "GrafanaDashboard", "llm-d-monitoring", "gpu-overview");
    private static readonly Subject Route = Subject.HttpRoute("my-first-model", "legacy-model-route");

    /// <summary>A finding with every placeholder of its template filled ("x" unless given).</summary>
    private static Finding F(FindingDefinition d, Subject subject, params (string Key, string Value)[] evidence)
    {
        var map = d.Placeholders.ToDictionary(p => p, _ => (string?)"x", StringComparer.Ordinal);
        foreach (var (k, v) in evidence)
        {
            map[k] = v;
        }

        return d.At(subject, [.. map.Select(kv => (kv.Key, kv.Value))]);
    }

    private static Finding Probe(FindingDefinition d, Subject gateway, string envoyRoute, params (string Key, string Value)[] more) =>
        F(d, gateway, [("gateway", gateway.Key), ("httpRoute", "my-first-model/maas-model-route"), ("route", envoyRoute), .. more]);

    /// <summary>The HTTPRoute my-first-model/maas-model-route on both gateways: rules 0 and 1 to the pool (EPP qwen3-0-6b-epp-service), rule 2 to the Service.</summary>
    private static IReadOnlyList<RequestFlow> Flows()
    {
        var route = new HttpRoute { Metadata = new ObjectMeta { Name = "maas-model-route", Namespace = "my-first-model" } };
        var flows = new List<RequestFlow>();
        foreach (var name in new[] { "maas-gateway", "openshift-ai-inference" })
        {
            var gateway = new LlmdDoctor.Core.Cluster.Gateway { Metadata = new ObjectMeta { Name = name, Namespace = "openshift-ingress" } };
            for (var rule = 0; rule < 3; rule++)
            {
                var pool = rule < 2;
                flows.Add(new RequestFlow
                {
                    Gateway = gateway,
                    Route = route,
                    RuleIndex = rule,
                    EnvoyRouteName = $"my-first-model.maas-model-route.{rule}",
                    Match = FlowMatch.Prefix($"/my-first-model/qwen3-0-6b/v1/{rule}"),
                    ApiPrefix = "/my-first-model/qwen3-0-6b",
                    Backends = [pool
                        ? new FlowBackend(BackendKind.InferencePool, InferencePool.GroupV1, "my-first-model", "qwen3-0-6b-inference-pool", null, 1, true)
                        : new FlowBackend(BackendKind.Service, "", "my-first-model", "qwen3-0-6b-kserve-workload-svc", 8000, 1, true)],
                    Model = "Qwen/Qwen3-0.6B",
                    EndpointPicker = pool ? "my-first-model/qwen3-0-6b-epp-service" : null,
                });
            }
        }

        return flows;
    }

    public static TheoryData<string, Finding[], string[]> Rows() => new()
    {
        // The seed story on one gateway: the EPP is not trusted, the fail-open route loses the body, vLLM answers 400.
        {
            "EPP unreachable → body loss → 400 on the same gateway and route",
            [
                F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster)),
                F(ExtProcBodyLossRisk, Gateway, ("gateway", Gw), ("route", "my-first-model.maas-model-route.1"), ("eppCluster", EppCluster)),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0204 → LLMD0301 → LLMD0401"]
        },
        {
            "EPP unreachable → 400 without the risk finding (the route's EPP comes from the flows)",
            [
                F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster)),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0204 → LLMD0401"]
        },
        {
            "expect nothing: the EPP is unreachable from another gateway than the one that loses the body",
            [
                F(EndpointPickerUnreachableFromGateway, Other, ("gateway", OtherGw), ("cluster", EppCluster)),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0204", "LLMD0401"]
        },
        {
            "expect nothing: the gateway cannot reach another EPP than the route's",
            [
                F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", "outbound|9002||other-epp.other-model.svc.cluster.local")),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0204", "LLMD0401"]
        },
        {
            "expect nothing: the body-loss risk is on another route than the 400",
            [
                F(ExtProcBodyLossRisk, Gateway, ("gateway", Gw), ("route", "my-first-model.maas-model-route.0"), ("eppCluster", EppCluster)),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0301", "LLMD0401"]
        },
        {
            "body-loss risk explains the uncovered workaround and the known issue of the same id",
            [
                F(ExtProcBodyLossRisk, Gateway, ("gateway", Gw), ("route", "r.0"), ("issue", "envoy-ext-proc-full-duplex-fail-open-body-loss")),
                F(EnvoyFilterFixNotCovering, Gateway, ("gateway", Gw)),
                F(KnownIssue, Gateway, ("gateway", Gw), ("issue", "envoy-ext-proc-full-duplex-fail-open-body-loss")),
            ],
            ["LLMD0301 → LLMD0302"]
        },
        {
            "expect nothing: a known issue with another id on the same gateway",
            [
                F(ExtProcBodyLossRisk, Gateway, ("gateway", Gw), ("route", "r.0"), ("issue", "envoy-ext-proc-full-duplex-fail-open-body-loss")),
                F(KnownIssue, Gateway, ("gateway", Gw), ("issue", "some-other-issue")),
            ],
            ["LLMD0301", "LLMD0801"]
        },
        // The unreachable EPP is the live cause of a bypass; the BUFFERED override on the same route is a separate, latent one.
        {
            "EPP unreachable explains the bypass before a BUFFERED override does",
            [
                F(EndpointPickerUnreachableFromGateway, Other, ("gateway", OtherGw), ("cluster", EppCluster)),
                F(BufferedOverrideStallsPicker, Other, ("gateway", OtherGw), ("route", "my-first-model.maas-model-route.1")),
                Probe(EndpointPickerBypassed, Other, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0204 → LLMD0407", "LLMD0306"]
        },
        {
            "BUFFERED override → POST probe timeout on that route",
            [
                F(BufferedOverrideStallsPicker, Other, ("gateway", OtherGw), ("route", "my-first-model.maas-model-route.1")),
                Probe(GatewayProbeFailed, Other, "my-first-model.maas-model-route.1", ("reason", "timeout")),
            ],
            ["LLMD0306 → LLMD0404"]
        },
        {
            "expect nothing: a refused probe is not the BUFFERED stall",
            [
                F(BufferedOverrideStallsPicker, Other, ("gateway", OtherGw), ("route", "my-first-model.maas-model-route.1")),
                Probe(GatewayProbeFailed, Other, "my-first-model.maas-model-route.1", ("reason", "refused")),
            ],
            ["LLMD0306", "LLMD0404"]
        },
        // No ready pod: the EPP finds no candidate and the gateway answers 503, for GET through the Service too.
        {
            "no ready endpoints → EPP 503 → gateway 503",
            [
                F(InferencePoolNoReadyEndpoints, Pool, ("pool", Pool.Key)),
                F(EndpointPickerRejects, Epp, ("epp", Epp.Key), ("pool", Pool.Key), ("status", "503")),
                Probe(NoHealthyUpstream, Other, "my-first-model.maas-model-route.1", ("layer", "EndpointPicker")),
                Probe(NoHealthyUpstream, Other, "my-first-model.maas-model-route.2", ("layer", "Gateway")),
            ],
            ["LLMD0202 → LLMD0205 → LLMD0406"]
        },
        {
            "expect nothing: a shed request (429) is not a missing pod",
            [
                F(InferencePoolNoReadyEndpoints, Pool, ("pool", Pool.Key)),
                F(EndpointPickerRejects, Epp, ("epp", Epp.Key), ("pool", Pool.Key), ("status", "429")),
            ],
            ["LLMD0202", "LLMD0205"]
        },
        {
            "expect nothing: another pool has no ready endpoints",
            [
                F(InferencePoolNoReadyEndpoints, OtherPool, ("pool", OtherPool.Key)),
                Probe(NoHealthyUpstream, Other, "my-first-model.maas-model-route.1", ("layer", "Gateway")),
            ],
            ["LLMD0202", "LLMD0406"]
        },
        {
            "EPP not ready → gateway cannot reach it → 400",
            [
                F(EndpointPickerNotReady, Epp, ("epp", Epp.Key), ("pool", Pool.Key)),
                F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster)),
                Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1"),
            ],
            ["LLMD0203 → LLMD0204 → LLMD0401"]
        },
        // Routes.
        {
            "missing backend → route not accepted (BackendNotFound)",
            [
                F(RouteBackendMissing, Route, ("route", Route.Key)),
                F(HttpRouteNotAccepted, Route, ("route", Route.Key), ("reason", "BackendNotFound")),
            ],
            ["LLMD0103 → LLMD0102"]
        },
        {
            "expect nothing: the route is refused by its listener, not for its backend",
            [
                F(RouteBackendMissing, Route, ("route", Route.Key)),
                F(HttpRouteNotAccepted, Route, ("route", Route.Key), ("reason", "NotAllowedByListeners")),
            ],
            ["LLMD0103", "LLMD0102"]
        },
        // Monitoring.
        {
            "UWM off → no vLLM series → the dashboard that queries them is empty",
            [
                F(UserWorkloadMonitoringDisabled, Subject.ConfigMap("openshift-monitoring", "cluster-monitoring-config")),
                F(MetricsAbsent, Llmisvc, ("owner", Owner), ("family", "vLLM")),
                F(DashboardQueriesEmpty, Dashboard, ("query", "sum(vllm:num_requests_running{namespace=\"my-first-model\"})")),
            ],
            ["LLMD0501 → LLMD0506 → LLMD0607"]
        },
        {
            "scrape targets down → no series of that family",
            [
                F(ScrapeTargetsDown, Llmisvc, ("owner", Owner), ("target", "vLLM"), ("namespace", "my-first-model")),
                F(MetricsAbsent, Llmisvc, ("owner", Owner), ("family", "vLLM")),
            ],
            ["LLMD0505 → LLMD0506"]
        },
        {
            "expect nothing: the EPP's targets are down, the vLLM series are missing",
            [
                F(ScrapeTargetsDown, Llmisvc, ("owner", Owner), ("target", "Endpoint Picker"), ("namespace", "my-first-model")),
                F(MetricsAbsent, Llmisvc, ("owner", Owner), ("family", "vLLM")),
            ],
            ["LLMD0505", "LLMD0506"]
        },
        {
            "expect nothing: the empty panel queries another namespace",
            [
                F(MetricsAbsent, Llmisvc, ("owner", Owner), ("family", "vLLM")),
                F(DashboardQueriesEmpty, Dashboard, ("query", "sum(vllm:num_requests_running{namespace=\"other-model\"})")),
            ],
            ["LLMD0506", "LLMD0607"]
        },
        {
            "wrong metric prefix → that dashboard's panels are empty",
            [
                F(MetricPrefixMismatch, Dashboard, ("source", "GrafanaDashboard llm-d-monitoring/llm-d-vllm-overview")),
                F(DashboardQueriesEmpty, Dashboard, ("dashboard", Dashboard.Key)),
            ],
            ["LLMD0507 → LLMD0607"]
        },
        {
            "expect nothing: the prefix mismatch is on another dashboard",
            [
                F(MetricPrefixMismatch, OtherDashboard, ("source", "GrafanaDashboard llm-d-monitoring/gpu-overview")),
                F(DashboardQueriesEmpty, Dashboard, ("dashboard", Dashboard.Key)),
            ],
            ["LLMD0507", "LLMD0607"]
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Findings_link_into_the_expected_chains(string row, Finding[] findings, string[] chains)
    {
        var incidents = IncidentBuilder.Build(findings, Flows());
        Assert.True(chains.Order(StringComparer.Ordinal).SequenceEqual(incidents.Select(i => string.Join(" → ", i.Chain)).Order(StringComparer.Ordinal)),
            $"{row}: got {string.Join("; ", incidents.Select(i => string.Join(" → ", i.Chain)))}");
        Assert.Equal(findings.Length, incidents.Sum(i => i.Members.Count));
        Assert.All(findings, f => Assert.Single(incidents, i => i.Members.Any(m => ReferenceEquals(m.Finding, f))));
    }

    [Fact]
    public void The_seed_incident_names_its_gateway_model_root_and_runbook_code()
    {
        var root = F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster));
        var incident = Assert.Single(IncidentBuilder.Build(
            [root, F(ExtProcBodyLossRisk, Gateway, ("gateway", Gw), ("route", "my-first-model.maas-model-route.1"), ("eppCluster", EppCluster)),
             Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1", ("model", "Qwen/Qwen3-0.6B"))], Flows()));
        Assert.Same(root, incident.Root);
        Assert.Equal([Gw], incident.Gateways);
        Assert.Equal(["Qwen/Qwen3-0.6B"], incident.Models);
        Assert.Equal(Severity.Critical, incident.Severity);
    }

    [Fact]
    public void An_incident_id_depends_on_the_root_code_and_subject_only()
    {
        var root = F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster), ("detail", "cx_connect_fail=59"));
        var later = F(EndpointPickerUnreachableFromGateway, Gateway, ("gateway", Gw), ("cluster", EppCluster), ("detail", "cx_connect_fail=61"));
        var alone = Assert.Single(IncidentBuilder.Build([root], []));
        var withSymptom = IncidentBuilder.Build([later, Probe(ChatCompletionBodyLost, Gateway, "my-first-model.maas-model-route.1")], Flows());
        Assert.Equal(alone.Id, Assert.Single(withSymptom).Id);
        Assert.Matches("^inc-[0-9a-f]{12}$", alone.Id);
        var elsewhere = Assert.Single(IncidentBuilder.Build([F(EndpointPickerUnreachableFromGateway, Other, ("gateway", OtherGw), ("cluster", EppCluster))], []));
        Assert.NotEqual(alone.Id, elsewhere.Id);
    }

    [Fact]
    public void Repeats_of_the_root_on_its_subject_are_one_incident()
    {
        var incidents = IncidentBuilder.Build(
            [F(BufferedOverrideStallsPicker, Other, ("route", "r.0")), F(BufferedOverrideStallsPicker, Other, ("route", "r.1"))], []);
        Assert.Equal(2, Assert.Single(incidents).Members.Count);
    }

    [Fact]
    public void The_rules_form_no_cycle_and_each_says_why()
    {
        var rank = IncidentBuilder.CodeRanks();
        Assert.All(CausalRules.All, r =>
        {
            Assert.True(rank.GetValueOrDefault(r.Cause.Code) < rank[r.Effect.Code], r.ToString());
            Assert.NotEqual(r.Cause.Code, r.Effect.Code);
            Assert.NotEmpty(r.Relations);
            Assert.False(string.IsNullOrWhiteSpace(r.Why), r.ToString());
            Assert.Same(FindingCatalog.Find(r.Cause.Code), r.Cause);
            Assert.Same(FindingCatalog.Find(r.Effect.Code), r.Effect);
        });
        Assert.Equal(CausalRules.All.Count, CausalRules.All.Select(r => (r.Cause.Code, r.Effect.Code)).Distinct().Count());
    }

    [Fact]
    public void No_findings_no_incidents() => Assert.Empty(IncidentBuilder.Build([], Flows()));
}
