using LlmdDoctor.Core.Cluster;
namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// Envoy admin data of one gateway pod, parsed into typed views. Checks read these views, never raw JSON.
/// When <see cref="Problem"/> is set the views are incomplete and checks must not conclude anything from them.
/// </summary>
public sealed record GatewayEnvoyData(string GatewayNamespace, string GatewayName, string PodName)
{
    private Dictionary<string, List<EnvoyRoute>>? _routesByName;

    /// <summary>Why the dump could not be read, when it could not (truncated, too large, port-forward refused).</summary>
    public string? Problem { get; init; }

    /// <summary>Why <c>/stats</c> or <c>/clusters</c> could not be read, when they were asked for and could not be.</summary>
    public string? StatsProblem { get; init; }

    /// <summary><c>bootstrap.node.id</c> (<c>router~&lt;ip&gt;~&lt;pod&gt;.&lt;ns&gt;~…</c>).</summary>
    public string? NodeId { get; init; }

    /// <summary><c>bootstrap.node.metadata.ISTIO_VERSION</c>, as written (<c>1.26.2-redhat</c>).</summary>
    public string? IstioVersion { get; init; }

    /// <summary>The Envoy version: the bootstrap's build version, else <c>/server_info</c>, else inferred from Istio.</summary>
    public ComponentVersion? EnvoyVersion { get; init; }

    /// <summary>Where <see cref="EnvoyVersion"/> came from (<c>bootstrap</c>, <c>server_info</c>, <c>inferred from Istio 1.26.2</c>).</summary>
    public string EnvoyVersionSource { get; init; } = "";

    /// <summary>Whether the dump held a listener section; without one the ext_proc filter cannot be seen.</summary>
    public bool ListenersDumped { get; init; }

    /// <summary>Every <c>envoy.filters.http.ext_proc</c> filter in the listeners' connection managers.</summary>
    public IReadOnlyList<ExtProcFilter> ExtProcFilters { get; init; } = [];

    /// <summary>Every route of every route configuration (dynamic and static).</summary>
    public IReadOnlyList<EnvoyRoute> Routes
    {
        get;
        init
        {
            field = value;
            _routesByName = null;
        }
    } = [];

    /// <summary>Names of every cluster (static, active, warming).</summary>
    public IReadOnlyList<string> ClusterNames { get; init; } = [];

    /// <summary>Connection health of the Endpoint Picker clusters the routes use; null when stats were not read.</summary>
    public IReadOnlyDictionary<string, UpstreamClusterStats>? UpstreamStats { get; init; }

    /// <summary>
    /// Sum of <c>http.&lt;stat_prefix&gt;.ext_proc.message_timeouts</c> over the pod's connection managers, counted since the
    /// proxy started (envoy docs/root/configuration/http/http_filters/ext_proc_filter.rst); null when <c>/stats</c> was not read.
    /// Per listener, not per route.
    /// </summary>
    public long? ExtProcMessageTimeouts { get; init; }

    /// <summary>Dump sections or Any types that were skipped because the doctor does not know them.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary><c>namespace/name</c> of the gateway.</summary>
    public string GatewayKey => $"{GatewayNamespace}/{GatewayName}";

    /// <summary>The dump was read completely.</summary>
    public bool IsReadable => Problem is null;

    /// <summary>The routes with this name (one per route configuration that carries it).</summary>
    public IReadOnlyList<EnvoyRoute> RoutesNamed(string name)
    {
        var index = LazyInitializer.EnsureInitialized(ref _routesByName, () =>
        {
            var map = new Dictionary<string, List<EnvoyRoute>>(StringComparer.Ordinal);
            foreach (var route in Routes)
            {
                if (!map.TryGetValue(route.Name, out var list))
                {
                    map[route.Name] = list = [];
                }

                list.Add(route);
            }

            return map;
        });
        return index.TryGetValue(name, out var routes) ? routes : [];
    }

    /// <summary>The Envoy routes of the flow's match on this proxy (<see cref="EnvoyRouteIdentity"/>): one per route configuration and host that carries it.</summary>
    public IReadOnlyList<EnvoyRoute> RoutesOf(RequestFlow flow) =>
        [.. RoutesNamed(flow.EnvoyRouteName).Where(r => EnvoyRouteIdentity.IsRouteOf(flow, r))];

    /// <summary>The ext_proc filter of the connection manager serving <paramref name="route"/>'s route configuration.</summary>
    public ExtProcFilter? ExtProcFilterFor(EnvoyRoute route)
    {
        if (!ListenersDumped)
        {
            return IstioInferencePoolFilter;
        }

        return ExtProcFilters.FirstOrDefault(f => f.RouteConfigName == route.RouteConfig)
            ?? ExtProcFilters.FirstOrDefault(f => f.RouteConfigName is null);
    }

    /// <summary>The effective ext_proc behaviour of <paramref name="route"/> on this proxy.</summary>
    public EffectiveExtProcMode EffectiveExtProc(EnvoyRoute route) =>
        EffectiveExtProcMode.Of(ExtProcFilterFor(route), route.ExtProc, EnvoyVersion);

    /// <summary>
    /// Istio's base filter for InferencePool gateways (istio filters.go <c>InferencePoolExtProc</c>), assumed when
    /// a dump holds routes but no listeners (e.g. <c>config_dump?resource=dynamic_route_configs</c>).
    /// </summary>
    public static ExtProcFilter IstioInferencePoolFilter { get; } = new(
        "(assumed: Istio InferencePool filter)", null, ExtProcFilter.IstioPlaceholderCluster, true,
        ProcessingMode.Default with { RequestHeader = HeaderSendMode.Skip, ResponseHeader = HeaderSendMode.Skip }, "1000s");
}
