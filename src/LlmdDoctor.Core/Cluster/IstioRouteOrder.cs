namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// The order in which Envoy tries a listener's routes as Istio generates them from HTTPRoutes (first match wins):
/// Exact before PathPrefix before RegularExpression, longer path first, then a match with a method, more headers,
/// more query parameters (istio pilot/pkg/config/kube/gateway/conversion.go @1.27.0 sortHTTPRoutes, a stable sort);
/// ties keep the merge order: HTTPRoute creation time, namespace, name (sortRoutesByCreationTime in
/// route_collections.go mergeHTTPRoutes), then rule index and match index.
/// </summary>
public sealed class IstioRouteOrder : IComparer<RequestFlow>
{
    public static IstioRouteOrder Instance { get; } = new();

    private IstioRouteOrder()
    {
    }

    public int Compare(RequestFlow? x, RequestFlow? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : 1) : -1;
        }

        var (a, b) = (x.Match, y.Match);
        var c = Rank(b).CompareTo(Rank(a));
        if (c == 0)
        {
            c = b.NormalizedPath.Length.CompareTo(a.NormalizedPath.Length);
        }

        if (c == 0)
        {
            c = (b.Method is not null).CompareTo(a.Method is not null);
        }

        if (c == 0)
        {
            c = b.Headers.Count.CompareTo(a.Headers.Count);
        }

        if (c == 0)
        {
            c = b.QueryParams.Count.CompareTo(a.QueryParams.Count);
        }

        if (c == 0)
        {
            // RFC 3339 UTC timestamps order as strings; a missing one is Go's zero time, the earliest.
            c = string.CompareOrdinal(x.RouteCreated ?? "", y.RouteCreated ?? "");
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Route.Metadata.Ns, y.Route.Metadata.Ns);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Route.Metadata.Name, y.Route.Metadata.Name);
        }

        if (c == 0)
        {
            c = x.RuleIndex.CompareTo(y.RuleIndex);
        }

        return c != 0 ? c : x.MatchIndex.CompareTo(y.MatchIndex);
    }

    private static int Rank(FlowMatch match) => match.PathKind switch
    {
        PathMatchKind.Exact => 3,
        PathMatchKind.Prefix => 2,
        _ => 1,
    };
}
