namespace LlmdDoctor.Monitoring;

/// <summary>
/// The monitoring part of the doctor's configuration (design.md §10). Everything is optional: with nothing set
/// the collector discovers Thanos Querier on OpenShift or <c>prometheus-operated</c> of a Prometheus Operator
/// stack, and leaves Grafana and Alertmanager uncollected.
/// </summary>
public sealed record MonitoringSettings
{
    /// <summary>Prometheus or Thanos Querier (query API).</summary>
    public PrometheusSettings Prometheus { get; init; } = new();

    /// <summary>Grafana HTTP API; null = not collected.</summary>
    public ApiEndpointSettings? Grafana { get; init; }

    /// <summary>Alertmanager v2 API; null = not collected.</summary>
    public ApiEndpointSettings? Alertmanager { get; init; }

    /// <summary>Timeout of one HTTP call.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest response body read; larger answers are treated as bad responses.</summary>
    public int MaxResponseBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>At most this many dashboard panel queries are evaluated per run.</summary>
    public int MaxDashboardQueries { get; init; } = 100;
}

/// <summary>Where and how to call one HTTP API.</summary>
public record ApiEndpointSettings
{
    /// <summary>Base URL, e.g. <c>https://thanos-querier.openshift-monitoring.svc:9091</c>.</summary>
    public Uri? Url { get; init; }

    public ApiCredential Credential { get; init; } = ApiCredential.None;

    /// <summary>PEM bundle of CAs to trust in addition to the system store (e.g. the OpenShift service CA).</summary>
    public string? CaFile { get; init; }

    /// <summary>Skip server certificate verification (self-signed test setups only).</summary>
    public bool InsecureSkipVerify { get; init; }
}

/// <summary>Prometheus/Thanos settings: the query endpoint plus where rules are read.</summary>
public sealed record PrometheusSettings : ApiEndpointSettings
{
    /// <summary>
    /// Rules endpoint when it differs from <see cref="ApiEndpointSettings.Url"/>, e.g. Thanos Querier tenancy-rules
    /// <c>https://thanos-querier.openshift-monitoring.svc:9093</c>; it is then asked per namespace with <c>namespace=</c>.
    /// </summary>
    public Uri? RulesUrl { get; init; }

    /// <summary>The query endpoint is Thanos Querier's tenancy port (9092): every query is sent per namespace with <c>namespace=</c>.</summary>
    public bool Tenancy { get; init; }

    /// <summary>The Secret (<c>ns/name</c>) the token comes from, when the deployment mounts one; checked for existence and type.</summary>
    public string? TokenSecret { get; init; }

    /// <summary>Discover a Prometheus from the snapshot when no URL is set (default true).</summary>
    public bool Discover { get; init; } = true;
}
