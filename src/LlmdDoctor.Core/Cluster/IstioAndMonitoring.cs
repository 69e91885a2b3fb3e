using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Cluster;

/// <summary>networking.istio.io EnvoyFilter: only what decides which gateways and routes a patch reaches.</summary>
public sealed class EnvoyFilter
{
    public ObjectMeta Metadata { get; set; } = new();
    public EnvoyFilterSpec Spec { get; set; } = new();
}

public sealed class EnvoyFilterSpec
{
    public WorkloadSelector? WorkloadSelector { get; set; }
    public List<PolicyTargetReference> TargetRefs { get; set; } = [];
    public List<EnvoyConfigPatch> ConfigPatches { get; set; } = [];
    public int? Priority { get; set; }
}

public sealed class WorkloadSelector
{
    public Dictionary<string, string> Labels { get; set; } = [];
}

public sealed class PolicyTargetReference
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
}

public sealed class EnvoyConfigPatch
{
    public string? ApplyTo { get; set; }
    public EnvoyPatchMatch? Match { get; set; }
    public EnvoyPatch? Patch { get; set; }
}

public sealed class EnvoyPatchMatch
{
    public string? Context { get; set; }
    public EnvoyListenerMatch? Listener { get; set; }
    public EnvoyRouteConfigurationMatch? RouteConfiguration { get; set; }
}

public sealed class EnvoyListenerMatch
{
    public int? PortNumber { get; set; }
    public string? Name { get; set; }
    public EnvoyFilterChainMatch? FilterChain { get; set; }
}

public sealed class EnvoyFilterChainMatch
{
    public EnvoyFilterMatch? Filter { get; set; }
}

public sealed class EnvoyFilterMatch
{
    public string? Name { get; set; }
    public EnvoySubFilterMatch? SubFilter { get; set; }
}

public sealed class EnvoySubFilterMatch
{
    public string? Name { get; set; }
}

public sealed class EnvoyRouteConfigurationMatch
{
    public int? PortNumber { get; set; }
    public string? Name { get; set; }
    public string? Gateway { get; set; }
    public EnvoyVirtualHostMatch? Vhost { get; set; }
}

public sealed class EnvoyVirtualHostMatch
{
    public string? Name { get; set; }
    public EnvoyRouteMatch? Route { get; set; }
}

public sealed class EnvoyRouteMatch
{
    public string? Name { get; set; }
    public string? Action { get; set; }
}

public sealed class EnvoyPatch
{
    public string? Operation { get; set; }

    /// <summary>The patch value as written (an Envoy config fragment); read by the Envoy analysis.</summary>
    public JsonElement? Value { get; set; }
}

/// <summary>monitoring.coreos.com ServiceMonitor.</summary>
public sealed class ServiceMonitor
{
    public ObjectMeta Metadata { get; set; } = new();
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    public LabelSelector Selector { get; set; } = new();
    public NamespaceSelector? NamespaceSelector { get; set; }
    public List<MonitorEndpoint> Endpoints { get; set; } = [];
}

/// <summary>monitoring.coreos.com PodMonitor.</summary>
public sealed class PodMonitor
{
    public ObjectMeta Metadata { get; set; } = new();
    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class PodMonitorSpec
{
    public LabelSelector Selector { get; set; } = new();
    public NamespaceSelector? NamespaceSelector { get; set; }
    public List<MonitorEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class NamespaceSelector
{
    public bool Any { get; set; }
    public List<string> MatchNames { get; set; } = [];
}

/// <summary>An endpoint of a ServiceMonitor (<c>endpoints[]</c>) or PodMonitor (<c>podMetricsEndpoints[]</c>).</summary>
public sealed class MonitorEndpoint
{
    public string? Port { get; set; }
    public int? PortNumber { get; set; }
    public IntOrString? TargetPort { get; set; }
    public string? Scheme { get; set; }
    public string? Path { get; set; }
    public string? Interval { get; set; }
    public List<RelabelConfig> MetricRelabelings { get; set; } = [];

    /// <summary>Secrets the endpoint's credentials come from; prometheus-operator rejects the whole monitor when one is missing.</summary>
    public KeyRef? BearerTokenSecret { get; set; }
    public MonitorAuthorization? Authorization { get; set; }
    public MonitorBasicAuth? BasicAuth { get; set; }
    public MonitorTlsConfig? TlsConfig { get; set; }

    /// <summary>Every Secret name the endpoint reads, with the field that names it.</summary>
    public IEnumerable<(string Field, string Secret)> SecretReferences()
    {
        if (BearerTokenSecret is { Name.Length: > 0 } bearer)
        {
            yield return ("bearerTokenSecret", bearer.Name);
        }

        if (Authorization?.Credentials is { Name.Length: > 0 } credentials)
        {
            yield return ("authorization.credentials", credentials.Name);
        }

        if (BasicAuth?.Username is { Name.Length: > 0 } user)
        {
            yield return ("basicAuth.username", user.Name);
        }

        if (BasicAuth?.Password is { Name.Length: > 0 } password)
        {
            yield return ("basicAuth.password", password.Name);
        }

        if (TlsConfig?.Ca?.Secret is { Name.Length: > 0 } ca)
        {
            yield return ("tlsConfig.ca.secret", ca.Name);
        }

        if (TlsConfig?.Cert?.Secret is { Name.Length: > 0 } cert)
        {
            yield return ("tlsConfig.cert.secret", cert.Name);
        }

        if (TlsConfig?.KeySecret is { Name.Length: > 0 } key)
        {
            yield return ("tlsConfig.keySecret", key.Name);
        }
    }

    /// <summary>
    /// Every ConfigMap key the endpoint reads (<c>tlsConfig.ca.configMap</c>, <c>tlsConfig.cert.configMap</c>), with the
    /// field that names it. prometheus-operator rejects the monitor when the ConfigMap or its key is missing
    /// (pkg/assets/store.go GetConfigMapKey, v0.93.0+24 @6adcebc).
    /// </summary>
    public IEnumerable<(string Field, KeyRef ConfigMap)> ConfigMapReferences()
    {
        if (TlsConfig?.Ca?.ConfigMap is { Name.Length: > 0 } ca)
        {
            yield return ("tlsConfig.ca.configMap", ca);
        }

        if (TlsConfig?.Cert?.ConfigMap is { Name.Length: > 0 } cert)
        {
            yield return ("tlsConfig.cert.configMap", cert);
        }
    }
}

public sealed class MonitorAuthorization
{
    public KeyRef? Credentials { get; set; }
}

public sealed class MonitorBasicAuth
{
    public KeyRef? Username { get; set; }
    public KeyRef? Password { get; set; }
}

public sealed class MonitorTlsConfig
{
    public MonitorSecretOrConfigMap? Ca { get; set; }
    public MonitorSecretOrConfigMap? Cert { get; set; }
    public KeyRef? KeySecret { get; set; }
}

public sealed class MonitorSecretOrConfigMap
{
    public KeyRef? Secret { get; set; }
    public KeyRef? ConfigMap { get; set; }
}

public sealed class RelabelConfig
{
    public List<string> SourceLabels { get; set; } = [];
    public string? TargetLabel { get; set; }
    public string? Action { get; set; }
    public string? Replacement { get; set; }
    public string? Regex { get; set; }
}

/// <summary>monitoring.coreos.com Prometheus: which monitors and rules it selects (plain Kubernetes stacks).</summary>
public sealed class PrometheusServer
{
    public ObjectMeta Metadata { get; set; } = new();
    public PrometheusServerSpec Spec { get; set; } = new();
}

public sealed class PrometheusServerSpec
{
    /// <summary>
    /// When true the operator restricts every ServiceMonitor/PodMonitor to its own namespace whatever its
    /// <c>namespaceSelector</c> says (prometheus-operator pkg/prometheus/promcfg.go getNamespacesFromNamespaceSelector,
    /// v0.93). OpenShift's User Workload Monitoring Prometheus sets it (cluster-monitoring-operator
    /// assets/prometheus-user-workload/prometheus.yaml @f581865b).
    /// </summary>
    public bool IgnoreNamespaceSelectors { get; set; }

    public LabelSelector? ServiceMonitorSelector { get; set; }
    public LabelSelector? ServiceMonitorNamespaceSelector { get; set; }
    public LabelSelector? PodMonitorSelector { get; set; }
    public LabelSelector? PodMonitorNamespaceSelector { get; set; }
    public LabelSelector? RuleSelector { get; set; }
    public LabelSelector? RuleNamespaceSelector { get; set; }
}

public sealed class PrometheusRule
{
    public ObjectMeta Metadata { get; set; } = new();
    public PrometheusRuleSpec Spec { get; set; } = new();
}

public sealed class PrometheusRuleSpec
{
    public List<PrometheusRuleGroup> Groups { get; set; } = [];
}

public sealed class PrometheusRuleGroup
{
    public string Name { get; set; } = "";
    public List<PrometheusRuleEntry> Rules { get; set; } = [];
}

public sealed class PrometheusRuleEntry
{
    public string? Alert { get; set; }
    public string? Record { get; set; }
    public string Expr { get; set; } = "";
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
}

/// <summary>grafana.integreatly.org/v1beta1 Grafana, GrafanaDatasource and GrafanaDashboard (Grafana Operator v5).</summary>
public sealed class GrafanaInstance
{
    public ObjectMeta Metadata { get; set; } = new();
    public GrafanaStatus Status { get; set; } = new();
}

public sealed class GrafanaStatus
{
    public string? Stage { get; set; }
    public string? StageStatus { get; set; }
    public string? AdminUrl { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}

public sealed class GrafanaDatasource
{
    public ObjectMeta Metadata { get; set; } = new();
    public GrafanaDatasourceSpec Spec { get; set; } = new();
    public GrafanaResourceStatus Status { get; set; } = new();
}

public sealed class GrafanaDatasourceSpec
{
    public LabelSelector InstanceSelector { get; set; } = new();

    /// <summary>Match Grafana instances in every namespace, not only the object's own (grafana-operator api/v1beta1/common.go).</summary>
    public bool AllowCrossNamespaceImport { get; set; }
    public string? Uid { get; set; }
    public GrafanaDatasourceBody Datasource { get; set; } = new();
    public List<GrafanaValueFrom> ValuesFrom { get; set; } = [];
}

public sealed class GrafanaDatasourceBody
{
    public string? Uid { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Url { get; set; }
    public string? Access { get; set; }

    /// <summary>
    /// Grafana's encrypted fields (<c>httpHeaderValue1</c>, <c>basicAuthPassword</c>, …). Their values may be literal
    /// credentials: checks read only the field names and the <c>${key}</c> placeholders in them, never report a value.
    /// Values are kept as written: grafana-operator's own examples put arrays there (examples/datasource/datasource_variables).
    /// </summary>
    public Dictionary<string, JsonElement> SecureJsonData { get; set; } = [];
}

public sealed class GrafanaValueFrom
{
    public string? TargetPath { get; set; }
    public GrafanaValueSource ValueFrom { get; set; } = new();
}

public sealed class GrafanaValueSource
{
    public KeyRef? SecretKeyRef { get; set; }
    public KeyRef? ConfigMapKeyRef { get; set; }
}

public sealed class KeyRef
{
    public string Name { get; set; } = "";
    public string? Key { get; set; }
}

public sealed class GrafanaDashboard
{
    public ObjectMeta Metadata { get; set; } = new();
    public GrafanaDashboardSpec Spec { get; set; } = new();
    public GrafanaResourceStatus Status { get; set; } = new();
}

public sealed class GrafanaDashboardSpec
{
    public LabelSelector InstanceSelector { get; set; } = new();

    /// <summary>Match Grafana instances in every namespace, not only the object's own (grafana-operator api/v1beta1/common.go).</summary>
    public bool AllowCrossNamespaceImport { get; set; }

    /// <summary>The dashboard model as a JSON string (<c>spec.json</c>).</summary>
    public string? Json { get; set; }

    public KeyRef? ConfigMapRef { get; set; }
    public string? Url { get; set; }
}

/// <summary>Status shared by GrafanaDatasource and GrafanaDashboard; <c>NoMatchingInstances</c> is capitalised so in the CRD.</summary>
public sealed class GrafanaResourceStatus
{
    public List<Condition> Conditions { get; set; } = [];

    [JsonPropertyName("NoMatchingInstances")]
    public bool? NoMatchingInstances { get; set; }

    public string? Uid { get; set; }
    public string? LastMessage { get; set; }
}

/// <summary>
/// services.platform.opendatahub.io/v1alpha1 Monitoring (cluster-scoped singleton <c>default-monitoring</c>), which the
/// opendatahub-operator (ODH and RHOAI) creates from <c>DSCInitialization.spec.monitoring</c>. With <c>spec.metrics</c>
/// set it deploys the OpenTelemetry collector <c>data-science-collector</c>, whose target allocator reads the
/// ServiceMonitors and PodMonitors labelled <c>monitoring.opendatahub.io/scrape: "true"</c>
/// (opendatahub-operator api/services/v1alpha1/monitoring_types.go, internal/controller/services/monitoring/
/// monitoring_controller_actions.go deployOpenTelemetryCollector and resources/opentelemetry-collector.tmpl.yaml, @0c0c991).
/// </summary>
public sealed class OpenDataHubMonitoring
{
    public const string ScrapeLabel = "monitoring.opendatahub.io/scrape";

    public ObjectMeta Metadata { get; set; } = new();
    public OpenDataHubMonitoringSpec Spec { get; set; } = new();
}

public sealed class OpenDataHubMonitoringSpec
{
    /// <summary>Where the monitoring stack runs (<c>redhat-ods-monitoring</c> on RHOAI, <c>opendatahub</c> on ODH).</summary>
    public string? Namespace { get; set; }

    /// <summary>Metrics collection; null means off (no collector deployed for metrics).</summary>
    public OpenDataHubMetrics? Metrics { get; set; }
}

public sealed class OpenDataHubMetrics
{
    public int? Replicas { get; set; }
}
