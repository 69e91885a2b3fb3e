using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>One backendRef of an HTTPRoute rule.</summary>
internal sealed record RouteBackend(string Group, string Kind, string Namespace, string Name, int? Port, int Weight)
{
    public bool IsInferencePool => Kind == "InferencePool";
}

/// <summary>A header or query parameter condition of an HTTPRoute match (<c>Exact</c> or <c>RegularExpression</c>).</summary>
internal sealed record ValueMatch(string Name, bool Regex, string Value)
{
    public bool Matches(string? actual) => actual is not null && (Regex ? System.Text.RegularExpressions.Regex.IsMatch(actual, $"^(?:{Value})$", RegexOptions.None, TimeSpan.FromSeconds(1)) : actual == Value);
}

/// <summary>One match of an HTTPRoute rule, with everything needed to forward a matching request.</summary>
/// <param name="EnvoyRouteName">Istio's route name: the rule's <c>name</c>, else <c>&lt;ns&gt;.&lt;route&gt;.&lt;index&gt;</c> (conversion.go).</param>
/// <param name="PathType"><c>Exact</c>, <c>PathPrefix</c> or <c>RegularExpression</c>; null when the rule has no match at all.</param>
/// <param name="Headers">Header conditions (names compared case-insensitively, as HTTP header names are).</param>
/// <param name="Method">The method the match requires, when it names one.</param>
/// <param name="QueryParams">Query parameter conditions.</param>
/// <param name="Hosts">The hostnames the route answers on this gateway's listener (null: any host).</param>
internal sealed record RouteMatch(string RouteNamespace, string RouteName, int RuleIndex, string EnvoyRouteName,
    string? PathType, string Path, string? ReplacePrefix, string? ReplaceFullPath, IReadOnlyList<RouteBackend> Backends,
    IReadOnlyList<string>? Hosts = null, IReadOnlyList<ValueMatch>? Headers = null, string? Method = null, IReadOnlyList<ValueMatch>? QueryParams = null)
{
    public bool Exact => PathType == "Exact";

    /// <summary>Whether a request for <paramref name="host"/> (port removed) reaches this route's virtual host.</summary>
    public bool MatchesHost(string host) => Hosts is null || Hosts.Any(h => Core.Cluster.GatewayHostnames.Matches(h, host));

    /// <summary>
    /// Whether <paramref name="path"/> matches: Exact, PathPrefix on path-element boundaries (Gateway API; Envoy
    /// path_separated_prefix), or a RegularExpression over the whole path (Envoy safe_regex).
    /// </summary>
    public bool Matches(string path)
    {
        switch (PathType)
        {
            case "Exact":
                return path == Path;
            case "RegularExpression":
                return Regex.IsMatch(path, $"^(?:{Path})$", RegexOptions.None, TimeSpan.FromSeconds(1));
            default:
                var prefix = Path.TrimEnd('/');
                return prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
        }
    }

    /// <summary>Whether the whole match holds: path, method, every header and every query parameter.</summary>
    public bool Matches(string path, string method, Func<string, string?> header, Func<string, string?> query) =>
        Matches(path)
        && (Method is null || Method.Equals(method, StringComparison.Ordinal))
        && (Headers ?? []).All(h => h.Matches(header(h.Name)))
        && (QueryParams ?? []).All(q => q.Matches(query(q.Name)));

    /// <summary>Applies the URLRewrite filter (ReplacePrefixMatch / ReplaceFullPath) as Gateway API defines it.</summary>
    public string Rewrite(string path)
    {
        if (ReplaceFullPath is not null)
        {
            return ReplaceFullPath;
        }

        if (ReplacePrefix is null || PathType != "PathPrefix")
        {
            return path;
        }

        var rest = path[Math.Min(path.Length, Path.TrimEnd('/').Length)..];
        var rewritten = ReplacePrefix.EndsWith('/') && rest.StartsWith('/') ? ReplacePrefix + rest[1..] : ReplacePrefix + rest;
        return rewritten.Length == 0 ? "/" : rewritten;
    }
}

/// <summary>
/// The HTTPRoute rules attached to one Gateway, one entry per match, in the order Istio hands them to Envoy
/// (istio <c>pilot/pkg/config/kube/gateway/conversion.go</c> @1.27.0: HTTPRoutes by creation time, then namespace and
/// name (<c>sortRoutesByCreationTime</c>); then <c>sortHTTPRoutes</c>, a stable sort: Exact before Prefix before Regex,
/// the longer path first, a method match first, more header matches first, more query matches first; routes without
/// any match last). Envoy takes the first route that matches.
/// </summary>
internal sealed class GatewayRoutes
{
    private readonly List<RouteMatch> _matches;

    public GatewayRoutes(ClusterModel cluster, string gatewayNamespace, string gatewayName)
    {
        var matches = new List<RouteMatch>();
        var routes = cluster.HttpRoutes
            .OrderBy(r => (string?)r["metadata"]?["creationTimestamp"] ?? "", StringComparer.Ordinal)
            .ThenBy(ClusterModel.Ns, StringComparer.Ordinal)
            .ThenBy(ClusterModel.Name, StringComparer.Ordinal);
        foreach (var route in routes)
        {
            var ns = ClusterModel.Ns(route);
            var parent = (route["spec"]?["parentRefs"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p =>
                (string?)p["name"] == gatewayName && ((string?)p["namespace"] ?? ns) == gatewayNamespace && ((string?)p["kind"] ?? "Gateway") == "Gateway");
            if (parent is null)
            {
                continue;
            }

            var listeners = (cluster.Gateways.FirstOrDefault(g => ClusterModel.Ns(g) == gatewayNamespace && ClusterModel.Name(g) == gatewayName)?["spec"]?["listeners"] as JsonArray ?? [])
                .OfType<JsonObject>().ToList();
            var listener = listeners.FirstOrDefault(l => (string?)parent["sectionName"] is not { } section || (string?)l["name"] == section) ?? listeners.FirstOrDefault();
            var hosts = Core.Cluster.GatewayHostnames.Effective(
                [.. (route["spec"]?["hostnames"] as JsonArray ?? []).Select(h => (string?)h).OfType<string>()], (string?)listener?["hostname"]);

            var rules = (route["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            for (var index = 0; index < rules.Count; index++)
            {
                var rule = rules[index];
                var envoyName = (string?)rule["name"] is { Length: > 0 } ruleName ? ruleName : $"{ns}.{ClusterModel.Name(route)}.{index}";
                var rewrite = (rule["filters"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(f => (string?)f["type"] == "URLRewrite")?["urlRewrite"]?["path"];
                var backends = (rule["backendRefs"] as JsonArray ?? []).OfType<JsonObject>().Select(b => new RouteBackend(
                    (string?)b["group"] ?? "", (string?)b["kind"] ?? "Service", (string?)b["namespace"] ?? ns, (string?)b["name"] ?? "",
                    ClusterModel.Int(b["port"]), ClusterModel.Int(b["weight"]) ?? 1)).ToList();
                var ruleMatches = (rule["matches"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                foreach (var match in ruleMatches.Count == 0 ? [null] : ruleMatches.Cast<JsonObject?>())
                {
                    var path = match?["path"];
                    matches.Add(new RouteMatch(ns, ClusterModel.Name(route), index, envoyName,
                        match is null ? null : (string?)path?["type"] ?? "PathPrefix", (string?)path?["value"] ?? "/",
                        (string?)rewrite?["type"] == "ReplacePrefixMatch" ? (string?)rewrite["replacePrefixMatch"] : null,
                        (string?)rewrite?["type"] == "ReplaceFullPath" ? (string?)rewrite["replaceFullPath"] : null,
                        backends, hosts, Values(match?["headers"]), (string?)match?["method"], Values(match?["queryParams"])));
                }
            }
        }

        _matches = [.. matches.Order(Comparer<RouteMatch>.Create(IstioOrder))];
    }

    public IReadOnlyList<RouteMatch> All => _matches;

    /// <summary>The first match for <paramref name="path"/> among the routes answering <paramref name="host"/> (any route when null), by path only.</summary>
    public RouteMatch? Match(string path, string? host = null) => _matches.FirstOrDefault(m => (host is null || m.MatchesHost(host)) && m.Matches(path));

    /// <summary>The first match for the whole request: host, path, method, headers and query parameters.</summary>
    public RouteMatch? Match(string path, string? host, string method, Func<string, string?> header, Func<string, string?> query) =>
        _matches.FirstOrDefault(m => (host is null || m.MatchesHost(host)) && m.Matches(path, method, header, query));

    /// <summary>sortHTTPRoutes as a comparison; OrderBy is stable, so ties keep the creation-time order.</summary>
    private static int IstioOrder(RouteMatch a, RouteMatch b)
    {
        if (a.PathType is null || b.PathType is null)
        {
            return (a.PathType is null).CompareTo(b.PathType is null);
        }

        static int Rank(RouteMatch m) => m.PathType switch { "Exact" => 3, "RegularExpression" => 1, _ => 2 };
        return Rank(a) != Rank(b) ? Rank(b).CompareTo(Rank(a))
            : a.Path.Length != b.Path.Length ? b.Path.Length.CompareTo(a.Path.Length)
            : (a.Method is null) != (b.Method is null) ? (a.Method is null).CompareTo(b.Method is null)
            : (a.Headers?.Count ?? 0) != (b.Headers?.Count ?? 0) ? (b.Headers?.Count ?? 0).CompareTo(a.Headers?.Count ?? 0)
            : (b.QueryParams?.Count ?? 0).CompareTo(a.QueryParams?.Count ?? 0);
    }

    private static List<ValueMatch> Values(JsonNode? list) =>
        [.. (list as JsonArray ?? []).OfType<JsonObject>().Select(v => new ValueMatch((string?)v["name"] ?? "", (string?)v["type"] == "RegularExpression", (string?)v["value"] ?? ""))];
}
