namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// The listener-level <c>envoy.filters.http.ext_proc</c> filter of one HTTP connection manager. For
/// InferencePool gateways Istio installs it with cluster <c>dummy</c>, header modes SKIP and
/// <c>failure_mode_allow: true</c> (istio pilot/pkg/xds/filters/filters.go <c>InferencePoolExtProc</c>); the real
/// Endpoint Picker cluster and modes come per route.
/// </summary>
/// <param name="Listener">The listener the filter sits in.</param>
/// <param name="RouteConfigName">The RDS route configuration its connection manager uses, when it uses RDS.</param>
/// <param name="ClusterName"><c>grpc_service.envoy_grpc.cluster_name</c> (or the Google gRPC target).</param>
/// <param name="FailureModeAllow"><c>failure_mode_allow</c>; absent is false.</param>
/// <param name="ProcessingMode">The filter's <c>processing_mode</c>.</param>
/// <param name="MessageTimeout"><c>message_timeout</c> as Envoy renders it (<c>1000s</c>), when set.</param>
public sealed record ExtProcFilter(
    string Listener,
    string? RouteConfigName,
    string? ClusterName,
    bool FailureModeAllow,
    ProcessingMode ProcessingMode,
    string? MessageTimeout)
{
    /// <summary>Istio's placeholder cluster of the base filter.</summary>
    public const string IstioPlaceholderCluster = "dummy";

    public bool HasPlaceholderCluster => ClusterName == IstioPlaceholderCluster;
}

/// <summary>
/// <c>typed_per_filter_config["envoy.filters.http.ext_proc"]</c> of a route: an <c>ExtProcPerRoute</c>, either
/// <c>disabled</c> or <c>overrides</c>.
/// </summary>
/// <param name="Disabled">ext_proc is switched off for this route.</param>
/// <param name="ProcessingMode"><c>overrides.processing_mode</c>; null when the override does not set one (the filter's applies).</param>
/// <param name="ClusterName"><c>overrides.grpc_service.envoy_grpc.cluster_name</c>.</param>
/// <param name="FailureModeAllow"><c>overrides.failure_mode_allow</c> (a BoolValue: null when absent).</param>
public sealed record ExtProcPerRoute(bool Disabled, ProcessingMode? ProcessingMode, string? ClusterName, bool? FailureModeAllow);

/// <summary>One Envoy route of a gateway, as programmed.</summary>
/// <param name="RouteConfig">The route configuration's name (<c>http.80</c>).</param>
/// <param name="VirtualHost">The virtual host's name.</param>
/// <param name="Name">The route's name; Istio uses <c>&lt;ns&gt;.&lt;httproute&gt;.&lt;rule index&gt;</c>.</param>
/// <param name="Match">The match, as <c>prefix:/x</c>, <c>path:/x</c>, <c>regex:…</c>, or null.</param>
/// <param name="Cluster"><c>route.cluster</c>, when the route forwards to one cluster.</param>
/// <param name="ExtProc">The route's ext_proc configuration (its own, else its virtual host's); null when none.</param>
public sealed record EnvoyRoute(string RouteConfig, string VirtualHost, string Name, string? Match, string? Cluster, ExtProcPerRoute? ExtProc);
