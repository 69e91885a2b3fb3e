using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Cluster;

/// <summary>networking.istio.io EnvoyFilter: only what decides which gateways and routes a patch reaches.</summary>
public sealed class EnvoyFilter
{
    public ObjectMeta Metadata { get; init; } = new();
    public EnvoyFilterSpec Spec { get; init; } = new();
}

public sealed class EnvoyFilterSpec
{
    public WorkloadSelector? WorkloadSelector { get; init; }
    public List<PolicyTargetReference> TargetRefs { get; init; } = [];
    public List<EnvoyConfigPatch> ConfigPatches { get; init; } = [];
    public int? Priority { get; init; }
}

public sealed class WorkloadSelector
{
    public Dictionary<string, string> Labels { get; init; } = [];
}

public sealed class PolicyTargetReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
}

public sealed class EnvoyConfigPatch
{
    public string? ApplyTo { get; init; }
    public EnvoyPatchMatch? Match { get; init; }
    public EnvoyPatch? Patch { get; init; }
}

public sealed class EnvoyPatchMatch
{
    public string? Context { get; init; }
    public EnvoyListenerMatch? Listener { get; init; }
    public EnvoyRouteConfigurationMatch? RouteConfiguration { get; init; }
}

public sealed class EnvoyListenerMatch
{
    public int? PortNumber { get; init; }
    public string? Name { get; init; }
    public EnvoyFilterChainMatch? FilterChain { get; init; }
}

public sealed class EnvoyFilterChainMatch
{
    public EnvoyFilterMatch? Filter { get; init; }
}

public sealed class EnvoyFilterMatch
{
    public string? Name { get; init; }
    public EnvoySubFilterMatch? SubFilter { get; init; }
}

public sealed class EnvoySubFilterMatch
{
    public string? Name { get; init; }
}

public sealed class EnvoyRouteConfigurationMatch
{
    public int? PortNumber { get; init; }
    public string? Name { get; init; }
    public string? Gateway { get; init; }
    public EnvoyVirtualHostMatch? Vhost { get; init; }
}

public sealed class EnvoyVirtualHostMatch
{
    public string? Name { get; init; }
    public EnvoyRouteMatch? Route { get; init; }
}

public sealed class EnvoyRouteMatch
{
    public string? Name { get; init; }
    public string? Action { get; init; }
}

public sealed class EnvoyPatch
{
    public string? Operation { get; init; }

    /// <summary>The patch value as written (an Envoy config fragment); read by the Envoy analysis.</summary>
    public JsonElement? Value { get; init; }
}

/// <summary>monitoring.coreos.com ServiceMonitor.</summary>
public sealed class ServiceMonitor
{
    public ObjectMeta Metadata { get; init; } = new();
    public ServiceMonitorSpec Spec { get; init; } = new();
}

public sealed class ServiceMonitorSpec
{
    public LabelSelector Selector { get; init; } = new();
    public NamespaceSelector? NamespaceSelector { get; init; }
    public List<MonitorEndpoint> Endpoints { get; init; } = [];
}

/// <summary>monitoring.coreos.com PodMonitor.</summary>
public sealed class PodMonitor
{
    public ObjectMeta Metadata { get; init; } = new();
    public PodMonitorSpec Spec { get; init; } = new();
}

public sealed class PodMonitorSpec
{
    public LabelSelector Selector { get; init; } = new();
    public NamespaceSelector? NamespaceSelector { get; init; }
    public List<MonitorEndpoint> PodMetricsEndpoints { get; init; } = [];
}

public sealed class NamespaceSelector
{
    public bool Any { get; init; }
    public List<string> MatchNames { get; init; } = [];
}

/// <summary>An endpoint of a ServiceMonitor (<c>endpoints[]</c>) or PodMonitor (<c>podMetricsEndpoints[]</c>).</summary>
public sealed class MonitorEndpoint
{
    public string? Port { get; init; }
    public int? PortNumber { get; init; }
    public IntOrString? TargetPort { get; init; }
    public string? Scheme { get; init; }
    public string? Path { get; init; }
    public string? Interval { get; init; }
    public List<RelabelConfig> MetricRelabelings { get; init; } = [];
}

public sealed class RelabelConfig
{
    public List<string> SourceLabels { get; init; } = [];
    public string? TargetLabel { get; init; }
    public string? Action { get; init; }
    public string? Replacement { get; init; }
    public string? Regex { get; init; }
}

/// <summary>monitoring.coreos.com Prometheus: which monitors and rules it selects (plain Kubernetes stacks).</summary>
public sealed class PrometheusServer
{
    public ObjectMeta Metadata { get; init; } = new();
    public PrometheusServerSpec Spec { get; init; } = new();
}

public sealed class PrometheusServerSpec
{
    public LabelSelector? ServiceMonitorSelector { get; init; }
    public LabelSelector? ServiceMonitorNamespaceSelector { get; init; }
    public LabelSelector? PodMonitorSelector { get; init; }
    public LabelSelector? PodMonitorNamespaceSelector { get; init; }
    public LabelSelector? RuleSelector { get; init; }
    public LabelSelector? RuleNamespaceSelector { get; init; }
}

public sealed class PrometheusRule
{
    public ObjectMeta Metadata { get; init; } = new();
    public PrometheusRuleSpec Spec { get; init; } = new();
}

public sealed class PrometheusRuleSpec
{
    public List<PrometheusRuleGroup> Groups { get; init; } = [];
}

public sealed class PrometheusRuleGroup
{
    public string Name { get; init; } = "";
    public List<PrometheusRuleEntry> Rules { get; init; } = [];
}

public sealed class PrometheusRuleEntry
{
    public string? Alert { get; init; }
    public string? Record { get; init; }
    public string Expr { get; init; } = "";
    public Dictionary<string, string> Labels { get; init; } = [];
    public Dictionary<string, string> Annotations { get; init; } = [];
}

/// <summary>grafana.integreatly.org/v1beta1 Grafana, GrafanaDatasource and GrafanaDashboard (Grafana Operator v5).</summary>
public sealed class GrafanaInstance
{
    public ObjectMeta Metadata { get; init; } = new();
    public GrafanaStatus Status { get; init; } = new();
}

public sealed class GrafanaStatus
{
    public string? Stage { get; init; }
    public string? StageStatus { get; init; }
    public string? AdminUrl { get; init; }
    public List<Condition> Conditions { get; init; } = [];
}

public sealed class GrafanaDatasource
{
    public ObjectMeta Metadata { get; init; } = new();
    public GrafanaDatasourceSpec Spec { get; init; } = new();
    public GrafanaResourceStatus Status { get; init; } = new();
}

public sealed class GrafanaDatasourceSpec
{
    public LabelSelector InstanceSelector { get; init; } = new();
    public string? Uid { get; init; }
    public GrafanaDatasourceBody Datasource { get; init; } = new();
    public List<GrafanaValueFrom> ValuesFrom { get; init; } = [];
}

public sealed class GrafanaDatasourceBody
{
    public string? Uid { get; init; }
    public string? Name { get; init; }
    public string? Type { get; init; }
    public string? Url { get; init; }
    public string? Access { get; init; }
}

public sealed class GrafanaValueFrom
{
    public string? TargetPath { get; init; }
    public GrafanaValueSource ValueFrom { get; init; } = new();
}

public sealed class GrafanaValueSource
{
    public KeyRef? SecretKeyRef { get; init; }
    public KeyRef? ConfigMapKeyRef { get; init; }
}

public sealed class KeyRef
{
    public string Name { get; init; } = "";
    public string? Key { get; init; }
}

public sealed class GrafanaDashboard
{
    public ObjectMeta Metadata { get; init; } = new();
    public GrafanaDashboardSpec Spec { get; init; } = new();
    public GrafanaResourceStatus Status { get; init; } = new();
}

public sealed class GrafanaDashboardSpec
{
    public LabelSelector InstanceSelector { get; init; } = new();

    /// <summary>The dashboard model as a JSON string (<c>spec.json</c>).</summary>
    public string? Json { get; init; }

    public KeyRef? ConfigMapRef { get; init; }
    public string? Url { get; init; }
}

/// <summary>Status shared by GrafanaDatasource and GrafanaDashboard; <c>NoMatchingInstances</c> is capitalised so in the CRD.</summary>
public sealed class GrafanaResourceStatus
{
    public List<Condition> Conditions { get; init; } = [];

    [JsonPropertyName("NoMatchingInstances")]
    public bool? NoMatchingInstances { get; init; }

    public string? Uid { get; init; }
    public string? LastMessage { get; init; }
}
