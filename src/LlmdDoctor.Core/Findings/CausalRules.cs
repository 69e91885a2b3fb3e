using static LlmdDoctor.Core.Findings.FindingCatalog;

namespace LlmdDoctor.Core.Findings;

/// <summary>What two findings must share for a <see cref="CausalRule"/> to link them.</summary>
public enum Relation
{
    /// <summary>The same Gateway (its subject, or the <c>gateway</c> evidence).</summary>
    Gateway,

    /// <summary>The same Envoy route name (evidence <c>route</c> without a <c>/</c>); used together with <see cref="Gateway"/>.</summary>
    EnvoyRoute,

    /// <summary>The same HTTPRoute (its subject, or evidence <c>httpRoute</c>, or <c>route</c> as <c>ns/name</c>).</summary>
    HttpRoute,

    /// <summary>The same InferencePool, directly or through the HTTPRoute whose flow sends to it.</summary>
    Pool,

    /// <summary>The same Endpoint Picker Service, directly, from the EPP cluster name, or through the route's pool.</summary>
    EndpointPicker,

    /// <summary>The same serving workload owner (evidence <c>owner</c>, e.g. <c>LLMInferenceService ns/name</c>).</summary>
    Owner,

    /// <summary>The same namespace.</summary>
    Namespace,

    /// <summary>The cause's namespace is one the effect's query selects (<c>namespace="…"</c> in evidence <c>query</c>).</summary>
    QueriedNamespace,

    /// <summary>The same subject object.</summary>
    Subject,

    /// <summary>The same known issue (evidence <c>issue</c>).</summary>
    Issue,

    /// <summary>Anywhere in the cluster: the cause is cluster-wide.</summary>
    Cluster,
}

/// <summary>
/// One cause → effect link between codes: a finding of <see cref="Cause"/> explains a finding of <see cref="Effect"/>
/// when they share every <see cref="Relations"/> and <see cref="When"/> holds. <see cref="Why"/> says where the link
/// comes from (runbook, upstream source).
/// </summary>
public sealed record CausalRule(
    FindingDefinition Cause,
    FindingDefinition Effect,
    IReadOnlyList<Relation> Relations,
    string Why,
    Func<Finding, Finding, bool>? When = null)
{
    public override string ToString() => $"{Cause.Code} → {Effect.Code} ({string.Join(", ", Relations)})";
}

/// <summary>
/// The cause → effect rules between catalog codes that turn findings into incidents (issue 19). Each rule is taken
/// from the runbooks' Impact/Mitigation sections and reference/domain-facts.md (§9 wins); a code pair not listed
/// here is never linked. Order matters only as a tie-break: when two causes explain a finding equally deep, the rule
/// listed first wins (so an unreachable EPP, a live failure, explains a bypass before a latent BUFFERED override does).
/// The rules form no cycle (a test keeps that true).
/// </summary>
public static class CausalRules
{
    private static CausalRule R(FindingDefinition cause, FindingDefinition effect, Relation[] relations, string why, Func<Finding, Finding, bool>? when = null) =>
        new(cause, effect, relations, why, when);

    private static string E(Finding f, string key) => f.Evidence.TryGetValue(key, out var v) ? v : "";

    public static IReadOnlyList<CausalRule> All { get; } =
    [
        // Routes. A backendRef to a missing object is what makes the route's ResolvedRefs False with reason
        // BackendNotFound (Gateway API HTTPRoute status; runbook LLMD0102); a route without an accepted parent or with
        // a missing backend leaves /v1/models unanswered on that route (runbook LLMD0408).
        R(RouteBackendMissing, HttpRouteNotAccepted, [Relation.HttpRoute],
            "a backendRef to a missing object sets ResolvedRefs False (BackendNotFound) on the route",
            (_, e) => E(e, "reason") == "BackendNotFound"),
        R(HttpRouteNotAccepted, ModelListFailing, [Relation.HttpRoute], "the route is not programmed, so its /v1/models has no answer"),
        R(RouteBackendMissing, ModelListFailing, [Relation.HttpRoute], "the route's backend does not exist, so its /v1/models has no answer"),
        // A Gateway that is not programmed or has no ready proxy cannot answer probes (runbook LLMD0404).
        R(GatewayNotReady, GatewayProbeFailed, [Relation.Gateway], "the gateway has no ready proxy or no address to answer on"),

        // Endpoint Picker. An EPP whose pods are not ready has no server for the gateway's ext_proc stream: connect
        // failures (LLMD0204), a failed direct conversation (LLMD0205), and on a FULL_DUPLEX_STREAMED fail-open route
        // the body-loss path (runbook LLMD0203 Impact).
        R(EndpointPickerNotReady, EndpointPickerUnreachableFromGateway, [Relation.EndpointPicker], "the gateway connects to an EPP with no ready pod"),
        R(EndpointPickerNotReady, EndpointPickerRejects, [Relation.EndpointPicker], "the direct ext_proc conversation has no ready EPP to answer"),
        R(EndpointPickerNotReady, ExtProcBodyLossRisk, [Relation.EndpointPicker], "the EPP stream fails, so fail-open forwards the request without its body"),
        R(EndpointPickerNotReady, ChatCompletionBodyLost, [Relation.EndpointPicker], "the EPP stream fails and fail-open forwards a bodyless request to vLLM"),
        R(EndpointPickerNotReady, EndpointPickerBypassed, [Relation.EndpointPicker], "the EPP stream fails and fail-open serves the request without a pick"),
        // An EPP that cannot find a ready pod answers ImmediateResponse 503 ServiceUnavailable "failed to find candidate
        // pods for serving the request" (GIE pkg/epp/requestcontrol/director.go @3b9a9ef2) or 500 "no pods available"
        // (runbook LLMD0205), and the gateway passes that 503 on (LLMD0406). KServe's HTTPRoute sends its Service rule
        // (GET /v1/models) to the same pods the pool selects.
        R(InferencePoolNoReadyEndpoints, EndpointPickerRejects, [Relation.Pool], "the EPP finds no ready pod of the pool to pick",
            (_, e) => E(e, "status") is "500" or "503"),
        R(EndpointPickerRejects, NoHealthyUpstream, [Relation.EndpointPicker], "the gateway passes on the EPP's own 503",
            (_, e) => E(e, "layer") == "EndpointPicker"),
        R(InferencePoolNoReadyEndpoints, NoHealthyUpstream, [Relation.Pool], "no ready pod behind the route: no healthy upstream"),

        // The seed story (domain-facts §9, runbooks LLMD0204/0301/0401): the gateway does not trust the EPP's
        // certificate, so the ext_proc stream fails; on a FULL_DUPLEX_STREAMED fail-open route Envoy keeps no copy of
        // the body (envoy #39740) and forwards the request without it, and vLLM answers 400 "Field required".
        R(EndpointPickerUnreachableFromGateway, ExtProcBodyLossRisk, [Relation.Gateway, Relation.EndpointPicker],
            "the EPP stream fails on this gateway, so the fail-open body loss is happening, not a risk"),
        R(ExtProcBodyLossRisk, ChatCompletionBodyLost, [Relation.Gateway, Relation.EnvoyRoute],
            "this route forwards the request without its body when the EPP stream fails"),
        R(EndpointPickerUnreachableFromGateway, ChatCompletionBodyLost, [Relation.Gateway, Relation.EndpointPicker],
            "the EPP stream fails and fail-open forwards a bodyless request to vLLM"),
        // With fail-open and a buffered (or no) body the request is served by a pod the EPP did not pick (runbook LLMD0407).
        R(EndpointPickerUnreachableFromGateway, EndpointPickerBypassed, [Relation.Gateway, Relation.EndpointPicker],
            "the EPP stream fails and fail-open serves the request without a pick"),
        // LLMD0302 fires only where LLMD0301's conditions hold (catalog) and its remedy is LLMD0301's; LLMD0801's
        // body-loss issue is LLMD0301 stated as a version rule (same issue id in both).
        R(ExtProcBodyLossRisk, EnvoyFilterFixNotCovering, [Relation.Gateway], "the workaround elsewhere misses this gateway, which is at risk itself"),
        R(ExtProcBodyLossRisk, KnownIssue, [Relation.Gateway, Relation.Issue], "the same known issue, as the version rule states it"),
        // A BUFFERED override in front of a streaming EPP waits for message_timeout (1000 s, Istio filters.go @1.27.0),
        // then fail-open forwards the body unpicked (LLMD0407): a POST probe times out, is slow, or bypasses the EPP
        // (runbook LLMD0306, domain-facts §9).
        R(BufferedOverrideStallsPicker, EndpointPickerBypassed, [Relation.Gateway, Relation.EnvoyRoute],
            "the POST waited for message_timeout, then fail-open sent it on without the EPP"),
        R(BufferedOverrideStallsPicker, GatewayProbeFailed, [Relation.Gateway, Relation.EnvoyRoute],
            "the POST waits for ext_proc's message_timeout while the EPP waits for the body",
            (_, e) => E(e, "reason") == "timeout"),
        R(BufferedOverrideStallsPicker, ProbeSlow, [Relation.Gateway, Relation.EnvoyRoute],
            "the POST waits for ext_proc's message_timeout while the EPP waits for the body",
            (_, e) => E(e, "method") == "POST"),

        // Monitoring. Without User Workload Monitoring nothing scrapes the model namespaces, no dashboard has data and
        // no PrometheusRule there is evaluated, the doctor's heartbeat included (runbook LLMD0501 Impact).
        R(UserWorkloadMonitoringDisabled, MetricsAbsent, [Relation.Cluster], "no Prometheus scrapes user namespaces"),
        R(UserWorkloadMonitoringDisabled, DashboardQueriesEmpty, [Relation.Cluster], "no user-workload series exist to query"),
        R(UserWorkloadMonitoringDisabled, AlertRulesNotLoaded, [Relation.Cluster], "no rule evaluator reads user PrometheusRules"),
        R(UserWorkloadMonitoringDisabled, AlertDeliveryBroken, [Relation.Cluster], "the doctor's heartbeat rule is not evaluated"),
        R(NamespaceNotMonitored, MetricsAbsent, [Relation.Namespace], "the namespace's monitors are not read"),
        R(NamespaceNotMonitored, AlertRulesNotLoaded, [Relation.Namespace], "the namespace's PrometheusRules are not read (runbook LLMD0702)"),
        R(MonitorMissing, MetricsAbsent, [Relation.Owner], "no monitor scrapes these pods",
            (c, e) => E(c, "target") == E(e, "family")),
        R(MonitorSelectsNothing, MetricsAbsent, [Relation.Namespace], "the namespace's monitor scrapes nothing"),
        R(ScrapeTargetsDown, MetricsAbsent, [Relation.Owner], "the scrape targets of these pods are down (runbook LLMD0505)",
            (c, e) => E(c, "target") == E(e, "family")),
        R(MetricsAbsent, DashboardQueriesEmpty, [Relation.QueriedNamespace], "the panel queries a family that has no series in that namespace",
            (c, e) => E(e, "query").Contains(E(c, "family") == "vLLM" ? "vllm:" : "inference_", StringComparison.Ordinal)),
        R(MetricPrefixMismatch, DashboardQueriesEmpty, [Relation.Subject], "the dashboard queries names the cluster does not store (runbook LLMD0607)"),
    ];

    /// <summary>
    /// Codes of what a client, a dashboard or an alert shows: an incident's chain is drawn to one of them when it can.
    /// </summary>
    public static IReadOnlySet<string> Observed { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ChatCompletionBodyLost.Code, ModelNameMismatch.Code, GatewayAuthRequired.Code, GatewayProbeFailed.Code, InferenceRequestShed.Code,
        NoHealthyUpstream.Code, EndpointPickerBypassed.Code, ModelListFailing.Code, ProbeSlow.Code,
        ScrapeTargetsDown.Code, MetricsAbsent.Code, DashboardQueriesEmpty.Code, AlertDeliveryBroken.Code,
    };
}
