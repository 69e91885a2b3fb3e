namespace LlmdDoctor.Core.Findings;

/// <summary>
/// The one finding catalog, in code order. Codes and names are a contract (design.md §5): never renumber
/// or reuse a code; retire one with a comment. Every code has <c>runbooks/LLMDnnnn.md</c>.
/// </summary>
public static class FindingCatalog
{
    private static FindingDefinition D(string code, string name, Severity severity, string firesWhen, string template) =>
        new(code, name, severity, firesWhen, template);

    // 00xx — the doctor itself
    public static readonly FindingDefinition CheckFailed = D("LLMD0001", "CheckFailed", Severity.Warning,
        "a check threw: a doctor bug, named",
        "check {check} failed: {error}");
    public static readonly FindingDefinition PermissionDenied = D("LLMD0002", "PermissionDenied", Severity.Warning,
        "RBAC forbids reading what a check needs",
        "the doctor may not read {resource}: {reason}; checks not run: {checks}");
    public static readonly FindingDefinition SourceUnavailable = D("LLMD0003", "SourceUnavailable", Severity.Warning,
        "API server / Envoy admin / Thanos / Grafana could not be reached for a check",
        "{source} could not be read: {reason}; checks not run: {checks}");

    // 01xx — gateways and routes
    public static readonly FindingDefinition GatewayNotReady = D("LLMD0101", "GatewayNotReady", Severity.Critical,
        "Gateway not Accepted/Programmed, no address, or its pods not ready",
        "Gateway {gateway} is not ready: {reason}");
    public static readonly FindingDefinition HttpRouteNotAccepted = D("LLMD0102", "HTTPRouteNotAccepted", Severity.Critical,
        "an HTTPRoute parent status is not Accepted or ResolvedRefs is False",
        "HTTPRoute {route} on parent {parent}: {condition} is {status} ({reason}): {detail}");
    public static readonly FindingDefinition RouteBackendMissing = D("LLMD0103", "RouteBackendMissing", Severity.Critical,
        "a backendRef (Service / InferencePool, either API group) does not exist",
        "HTTPRoute {route} rule {rule} points at {backend}, which does not exist");
    public static readonly FindingDefinition EnvoyDumpWithoutGateway = D("LLMD0104", "EnvoyDumpWithoutGateway", Severity.Info,
        "an Envoy config dump whose pod serves no Gateway in the inventory; its ext_proc config is still analysed under the pod's name",
        "the Envoy config dump of pod {pod} maps to no Gateway in the inventory: {detail}");

    // 02xx — InferencePool and Endpoint Picker
    public static readonly FindingDefinition InferencePoolNotAccepted = D("LLMD0201", "InferencePoolNotAccepted", Severity.Critical,
        "pool parent status not Accepted / ResolvedRefs",
        "InferencePool {pool} ({apiGroup}) on parent {parent}: {condition} is {status} ({reason})");
    public static readonly FindingDefinition InferencePoolNoReadyEndpoints = D("LLMD0202", "InferencePoolNoReadyEndpoints", Severity.Critical,
        "selector matches no ready pod on the target port",
        "InferencePool {pool}: {detail}");
    public static readonly FindingDefinition EndpointPickerNotReady = D("LLMD0203", "EndpointPickerNotReady", Severity.Critical,
        "EPP Service/pods missing or not ready, or pool's picker port ≠ EPP gRPC port",
        "Endpoint Picker {epp} of InferencePool {pool}: {detail}");
    public static readonly FindingDefinition EndpointPickerUnreachableFromGateway = D("LLMD0204", "EndpointPickerUnreachableFromGateway", Severity.Critical,
        "gateway's Envoy stats show connect/TLS failures to the EPP cluster",
        "Gateway {gateway} cannot reach the Endpoint Picker cluster {cluster}: {detail}");
    public static readonly FindingDefinition EndpointPickerRejects = D("LLMD0205", "EndpointPickerRejects", Severity.Critical,
        "a direct ext_proc conversation gets an error / ImmediateResponse / no endpoint",
        "Endpoint Picker {epp} of InferencePool {pool}: {detail}");
    public static readonly FindingDefinition InferencePoolApiMismatch = D("LLMD0206", "InferencePoolApiMismatch", Severity.Warning,
        "route references a pool API group the gateway's Istio does not read",
        "HTTPRoute {route} references InferencePool {pool} in {apiGroup}, but Istio {istioVersion} on Gateway {gateway} reads {readsGroup}");

    // 03xx — Envoy configuration
    public static readonly FindingDefinition ExtProcBodyLossRisk = D("LLMD0301", "ExtProcBodyLossRisk", Severity.Critical,
        "effective request body mode FULL_DUPLEX_STREAMED with fail-open on an Envoy that forwards a bodyless request when the EPP stream fails",
        "route {route} on Gateway {gateway} runs ext_proc request body mode {mode} with fail-open on Envoy {envoyVersion}: if the EPP stream fails the request reaches the model without its body");
    public static readonly FindingDefinition EnvoyFilterFixNotCovering = D("LLMD0302", "EnvoyFilterFixNotCovering", Severity.Critical,
        "an ext_proc EnvoyFilter workaround exists, misses this gateway, and this gateway is itself at risk (LLMD0301 conditions)",
        "EnvoyFilter {envoyFilter} switches ext_proc to {patchedMode} but its workloadSelector does not select Gateway {gateway}, whose InferencePool routes still run {mode}");
    public static readonly FindingDefinition EnvoyFilterStaleRouteName = D("LLMD0303", "EnvoyFilterStaleRouteName", Severity.Warning,
        "an EnvoyFilter matches route names that no longer exist in the gateway's config",
        "EnvoyFilter {envoyFilter} patches route {routeName}, which Gateway {gateway} does not have");
    public static readonly FindingDefinition ExtProcTrailerModeMissing = D("LLMD0304", "ExtProcTrailerModeMissing", Severity.Warning,
        "FULL_DUPLEX_STREAMED without trailer SEND",
        "route {route} on Gateway {gateway} uses {mode} without {trailer} SEND");
    public static readonly FindingDefinition EnvoyRouteNotProgrammed = D("LLMD0305", "EnvoyRouteNotProgrammed", Severity.Critical,
        "an accepted HTTPRoute rule is absent from the gateway's Envoy route config",
        "HTTPRoute {rule} ({match}) is accepted but Gateway {gateway} has no Envoy route {route} for it");
    public static readonly FindingDefinition BufferedOverrideStallsPicker = D("LLMD0306", "BufferedOverrideStallsPicker", Severity.Critical,
        "a BUFFERED request-body override sends to an EPP that only streams (GIE ≥ v0.4 / llm-d scheduler): POSTs wait for message_timeout, then bypass the EPP or fail",
        "route {route} on Gateway {gateway} runs ext_proc request body mode BUFFERED in front of Endpoint Picker {eppVersion}, which answers request headers only after the whole body: every POST that reaches it waits for message_timeout ({messageTimeout}), then bypasses the Endpoint Picker or fails");

    // 04xx — synthetic probes
    public static readonly FindingDefinition ChatCompletionBodyLost = D("LLMD0401", "ChatCompletionBodyLost", Severity.Critical,
        "POST answers 400 \"Field required\"/empty-body while GET works",
        "POST {path} answered {status} '{detail}' while GET {modelsPath} answered {modelsStatus}: the request body did not reach the model");
    public static readonly FindingDefinition ModelNameMismatch = D("LLMD0402", "ModelNameMismatch", Severity.Critical,
        "POST answers 404 \"model … does not exist\" for an id that /v1/models listed",
        "POST {path} answered {status} for model '{model}', which GET {modelsPath} listed: {detail}");
    public static readonly FindingDefinition GatewayAuthRequired = D("LLMD0403", "GatewayAuthRequired", Severity.Info,
        "401/403 and no probe credential configured for that gateway",
        "{method} {path} answered {status}: Gateway {gateway} requires a credential and none is configured for probes");
    public static readonly FindingDefinition GatewayProbeFailed = D("LLMD0404", "GatewayProbeFailed", Severity.Critical,
        "refused / reset / timeout / TLS / DNS / unexpected 5xx",
        "{method} {path} failed: {reason} ({detail})");
    public static readonly FindingDefinition InferenceRequestShed = D("LLMD0405", "InferenceRequestShed", Severity.Warning,
        "429 from the EPP or model",
        "{method} {path} answered {status}: {detail}");
    public static readonly FindingDefinition NoHealthyUpstream = D("LLMD0406", "NoHealthyUpstream", Severity.Critical,
        "503 no healthy upstream / no candidate pods",
        "{method} {path} answered {status}: {detail}");
    public static readonly FindingDefinition EndpointPickerBypassed = D("LLMD0407", "EndpointPickerBypassed", Severity.Warning,
        "POST succeeded without the EPP in the loop (no picker response header / went to the Service)",
        "POST {path} succeeded on an InferencePool route without the Endpoint Picker in the loop: {detail}");
    public static readonly FindingDefinition ModelListFailing = D("LLMD0408", "ModelListFailing", Severity.Critical,
        "GET /v1/models fails or lists nothing",
        "GET {path}: {detail}");
    public static readonly FindingDefinition ProbeSlow = D("LLMD0409", "ProbeSlow", Severity.Info,
        "probe latency above the configured threshold",
        "{method} {path} took {ms} ms, above the threshold of {thresholdMs} ms");

    // 05xx — monitoring path
    public static readonly FindingDefinition UserWorkloadMonitoringDisabled = D("LLMD0501", "UserWorkloadMonitoringDisabled", Severity.Critical,
        "OpenShift: enableUserWorkload not true",
        "User Workload Monitoring is off: {detail}");
    public static readonly FindingDefinition NamespaceNotMonitored = D("LLMD0502", "NamespaceNotMonitored", Severity.Critical,
        "namespace opted out (openshift.io/user-monitoring: \"false\") or not selected by the Prometheus",
        "namespace {namespace} is not monitored: {detail}");
    public static readonly FindingDefinition MonitorMissing = D("LLMD0503", "MonitorMissing", Severity.Warning,
        "no ServiceMonitor/PodMonitor covers the EPP or the vLLM pods",
        "no ServiceMonitor or PodMonitor covers the {target} pods of {owner}");
    public static readonly FindingDefinition MonitorSelectsNothing = D("LLMD0504", "MonitorSelectsNothing", Severity.Critical,
        "a monitor's selector/namespaceSelector/port matches no Service/Pod/port",
        "{monitorKind} {monitor} selects nothing: {detail}");
    public static readonly FindingDefinition ScrapeTargetsDown = D("LLMD0505", "ScrapeTargetsDown", Severity.Critical,
        "up == 0 for those targets in Prometheus/Thanos",
        "{down} of {total} scrape targets of {job} are down (up == 0)");
    public static readonly FindingDefinition MetricsAbsent = D("LLMD0506", "MetricsAbsent", Severity.Critical,
        "no vLLM / EPP series at all for a model",
        "no {family} series found for {owner}: {detail}");
    public static readonly FindingDefinition MetricPrefixMismatch = D("LLMD0507", "MetricPrefixMismatch", Severity.Warning,
        "dashboards/rules query vllm: but the series are kserve_vllm: (or the reverse)",
        "{source} queries {queried} names but the cluster's series are named {present} ({detail})");
    public static readonly FindingDefinition GpuMetricsAbsent = D("LLMD0508", "GpuMetricsAbsent", Severity.Warning,
        "vLLM pods request GPUs but no DCGM exporter series exist for their nodes",
        "vLLM pods of {owner} request GPUs but no DCGM exporter series exist for node(s) {nodes}");

    // 06xx — datasource and Grafana
    public static readonly FindingDefinition DatasourceUnreachable = D("LLMD0601", "DatasourceUnreachable", Severity.Critical,
        "Thanos/Prometheus URL does not answer (DNS, connect, TLS)",
        "datasource {url} does not answer: {reason}");
    public static readonly FindingDefinition DatasourceUnauthorized = D("LLMD0602", "DatasourceUnauthorized", Severity.Critical,
        "401/403 with the configured token; token secret missing or expired",
        "datasource {url} refuses the credential: {detail}");
    public static readonly FindingDefinition DatasourceSchemeMismatch = D("LLMD0603", "DatasourceSchemeMismatch", Severity.Critical,
        "http vs https mismatch (\"server gave HTTP response to HTTPS client\")",
        "datasource {url} is configured as {configured} but the server speaks {actual}");
    public static readonly FindingDefinition GrafanaNoMatchingInstance = D("LLMD0604", "GrafanaNoMatchingInstance", Severity.Warning,
        "GrafanaDashboard/Datasource condition NoMatchingInstance",
        "{kind} {name}: no Grafana instance matches its instanceSelector ({detail})");
    public static readonly FindingDefinition GrafanaDatasourceNotSynced = D("LLMD0605", "GrafanaDatasourceNotSynced", Severity.Warning,
        "DatasourceSynchronized False",
        "GrafanaDatasource {name} is not synchronized: {reason}: {detail}");
    public static readonly FindingDefinition GrafanaDatasourceUnhealthy = D("LLMD0606", "GrafanaDatasourceUnhealthy", Severity.Critical,
        "Grafana /api/datasources/uid/{uid}/health not OK",
        "Grafana datasource {uid} health is {status}: {detail}");
    public static readonly FindingDefinition DashboardQueriesEmpty = D("LLMD0607", "DashboardQueriesEmpty", Severity.Warning,
        "a dashboard's panel queries return no series",
        "dashboard {dashboard} panel '{panel}' query returns no series: {query}");
    public static readonly FindingDefinition GrafanaDashboardNotLoaded = D("LLMD0608", "GrafanaDashboardNotLoaded", Severity.Warning,
        "a GrafanaDashboard's model cannot be resolved (its configMapRef names a missing ConfigMap or key) or the operator says InvalidSpec: it is loaded into no Grafana",
        "GrafanaDashboard {dashboard} is loaded into no Grafana: {detail}");

    // 07xx — alert delivery
    public static readonly FindingDefinition AlertDeliveryBroken = D("LLMD0701", "AlertDeliveryBroken", Severity.Critical,
        "the doctor's heartbeat alert is not visible in Alertmanager",
        "alert LlmdDoctorHeartbeat is not visible in Alertmanager {alertmanager}: {detail}");
    public static readonly FindingDefinition AlertRulesNotLoaded = D("LLMD0702", "AlertRulesNotLoaded", Severity.Warning,
        "the doctor's or llm-d's PrometheusRules are not visible in the rule evaluator",
        "PrometheusRule {rule} is not loaded in {evaluator}: {detail}");

    // 08xx — known issues
    public static readonly FindingDefinition KnownIssue = D("LLMD0801", "KnownIssue", Severity.Warning,
        "a version-aware known-issue rule matches (Istio/OSSM × GIE × EPP × vLLM)",
        "known issue {issue}: {detail}");

    /// <summary>Every definition in code order.</summary>
    public static IReadOnlyList<FindingDefinition> All { get; } =
    [
        CheckFailed, PermissionDenied, SourceUnavailable,
        GatewayNotReady, HttpRouteNotAccepted, RouteBackendMissing, EnvoyDumpWithoutGateway,
        InferencePoolNotAccepted, InferencePoolNoReadyEndpoints, EndpointPickerNotReady,
        EndpointPickerUnreachableFromGateway, EndpointPickerRejects, InferencePoolApiMismatch,
        ExtProcBodyLossRisk, EnvoyFilterFixNotCovering, EnvoyFilterStaleRouteName, ExtProcTrailerModeMissing, EnvoyRouteNotProgrammed,
        BufferedOverrideStallsPicker,
        ChatCompletionBodyLost, ModelNameMismatch, GatewayAuthRequired, GatewayProbeFailed, InferenceRequestShed,
        NoHealthyUpstream, EndpointPickerBypassed, ModelListFailing, ProbeSlow,
        UserWorkloadMonitoringDisabled, NamespaceNotMonitored, MonitorMissing, MonitorSelectsNothing, ScrapeTargetsDown,
        MetricsAbsent, MetricPrefixMismatch, GpuMetricsAbsent,
        DatasourceUnreachable, DatasourceUnauthorized, DatasourceSchemeMismatch, GrafanaNoMatchingInstance,
        GrafanaDatasourceNotSynced, GrafanaDatasourceUnhealthy, DashboardQueriesEmpty, GrafanaDashboardNotLoaded,
        AlertDeliveryBroken, AlertRulesNotLoaded,
        KnownIssue,
    ];

    private static readonly Dictionary<string, FindingDefinition> ByCodeMap = All.ToDictionary(d => d.Code, StringComparer.OrdinalIgnoreCase);

    public static FindingDefinition? Find(string code) => ByCodeMap.GetValueOrDefault(code.Trim());

    /// <summary>
    /// Codes that no registered check emits yet, with the issue that will make a check emit them.
    /// A catalog test keeps this honest; it must be empty when all issues are done.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Pending { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>Codes the check runner itself reports (a check failed, a permission or a source was missing).</summary>
    public static IReadOnlyList<FindingDefinition> RunnerCodes { get; } = [CheckFailed, PermissionDenied, SourceUnavailable];
}
