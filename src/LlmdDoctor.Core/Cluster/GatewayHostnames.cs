namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// Gateway API hostname matching: which Host a request needs for an HTTPRoute attached to a listener. A route's
/// <c>hostnames</c> and its listener's <c>hostname</c> intersect (a wildcard <c>*.example.com</c> matches one or more
/// leading labels, never the bare suffix); a route or listener without hostnames accepts any host.
/// </summary>
public static class GatewayHostnames
{
    /// <summary>The label the doctor puts in front of a wildcard to make a concrete Host for its probes.</summary>
    public const string ProbeLabel = "llmd-doctor-probe";

    /// <summary>Whether <paramref name="host"/> (no port) matches <paramref name="pattern"/> (exact or <c>*.</c> wildcard), case-insensitively.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = pattern[1..];
            return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The hostnames a route answers on a listener: null when any host matches; empty when the two do not intersect
    /// (the route cannot attach there). A route wildcard narrower than the listener's, or a listener wildcard narrower
    /// than the route's, keeps the narrower one.
    /// </summary>
    public static IReadOnlyList<string>? Effective(IReadOnlyList<string> routeHostnames, string? listenerHostname)
    {
        if (routeHostnames.Count == 0)
        {
            return string.IsNullOrEmpty(listenerHostname) ? null : [listenerHostname];
        }

        if (string.IsNullOrEmpty(listenerHostname))
        {
            return routeHostnames;
        }

        var result = new List<string>();
        foreach (var route in routeHostnames)
        {
            if (Matches(listenerHostname, route.StartsWith("*.", StringComparison.Ordinal) ? ProbeLabel + route[1..] : route))
            {
                result.Add(route);
            }
            else if (Matches(route, listenerHostname.StartsWith("*.", StringComparison.Ordinal) ? ProbeLabel + listenerHostname[1..] : listenerHostname))
            {
                result.Add(listenerHostname);
            }
        }

        return result;
    }

    /// <summary>A Host that matches <paramref name="hostname"/>: itself, or for a wildcard <c>llmd-doctor-probe.&lt;suffix&gt;</c>.</summary>
    public static string Concrete(string hostname) =>
        hostname.StartsWith("*.", StringComparison.Ordinal) ? ProbeLabel + hostname[1..] : hostname;

    /// <summary>The Host a probe of a route on a listener should carry: null when any host matches (or none does).</summary>
    public static string? ProbeHost(IReadOnlyList<string> routeHostnames, string? listenerHostname) =>
        Effective(routeHostnames, listenerHostname) is { Count: > 0 } hosts ? Concrete(hosts[0]) : null;
}
