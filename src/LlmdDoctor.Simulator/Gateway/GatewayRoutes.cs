using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>One backendRef of an HTTPRoute rule.</summary>
internal sealed record RouteBackend(string Group, string Kind, string Namespace, string Name, int? Port, int Weight)
{
    public bool IsInferencePool => Kind == "InferencePool";
}

/// <summary>One path match of an HTTPRoute rule, with everything needed to forward a matching request.</summary>
/// <param name="EnvoyRouteName">Istio's route name: the rule's <c>name</c>, else <c>&lt;ns&gt;.&lt;route&gt;.&lt;index&gt;</c> (conversion.go).</param>
/// <param name="Hosts">The hostnames the route answers on this gateway's listener (null: any host).</param>
internal sealed record RouteMatch(string RouteNamespace, string RouteName, int RuleIndex, string EnvoyRouteName,
    bool Exact, string Path, string? ReplacePrefix, string? ReplaceFullPath, IReadOnlyList<RouteBackend> Backends,
    IReadOnlyList<string>? Hosts = null)
{
    /// <summary>Whether a request for <paramref name="host"/> (port removed) reaches this route's virtual host.</summary>
    public bool MatchesHost(string host) => Hosts is null || Hosts.Any(h => Core.Cluster.GatewayHostnames.Matches(h, host));

    /// <summary>Whether <paramref name="path"/> matches: Exact, or PathPrefix on path-element boundaries (Gateway API; Envoy path_separated_prefix).</summary>
    public bool Matches(string path)
    {
        if (Exact)
        {
            return path == Path;
        }

        var prefix = Path.TrimEnd('/');
        return prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    /// <summary>Applies the URLRewrite filter (ReplacePrefixMatch / ReplaceFullPath) as Gateway API defines it.</summary>
    public string Rewrite(string path)
    {
        if (ReplaceFullPath is not null)
        {
            return ReplaceFullPath;
        }

        if (ReplacePrefix is null || Exact)
        {
            return path;
        }

        var rest = path[Math.Min(path.Length, Path.TrimEnd('/').Length)..];
        var rewritten = ReplacePrefix.EndsWith('/') && rest.StartsWith('/') ? ReplacePrefix + rest[1..] : ReplacePrefix + rest;
        return rewritten.Length == 0 ? "/" : rewritten;
    }
}

/// <summary>The HTTPRoute rules attached to one Gateway, in Gateway API precedence order.</summary>
internal sealed class GatewayRoutes
{
    private readonly List<RouteMatch> _matches;

    public GatewayRoutes(ClusterModel cluster, string gatewayNamespace, string gatewayName)
    {
        var matches = new List<RouteMatch>();
        foreach (var route in cluster.HttpRoutes)
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
                var paths = (rule["matches"] as JsonArray ?? []).OfType<JsonObject>().Select(m => m["path"]).ToList();
                if (paths.Count == 0)
                {
                    paths.Add(null);
                }

                foreach (var path in paths)
                {
                    matches.Add(new RouteMatch(ns, ClusterModel.Name(route), index, envoyName,
                        (string?)path?["type"] == "Exact", (string?)path?["value"] ?? "/",
                        (string?)rewrite?["type"] == "ReplacePrefixMatch" ? (string?)rewrite["replacePrefixMatch"] : null,
                        (string?)rewrite?["type"] == "ReplaceFullPath" ? (string?)rewrite["replaceFullPath"] : null,
                        backends, hosts));
                }
            }
        }

        // Gateway API precedence: Exact before PathPrefix, then the longest path (Envoy gets routes in that order from Istio).
        _matches = [.. matches.OrderByDescending(m => m.Exact).ThenByDescending(m => m.Path.TrimEnd('/').Length)];
    }

    public IReadOnlyList<RouteMatch> All => _matches;

    /// <summary>The first rule matching <paramref name="path"/> among the routes answering <paramref name="host"/> (any route when null).</summary>
    public RouteMatch? Match(string path, string? host = null) => _matches.FirstOrDefault(m => (host is null || m.MatchesHost(host)) && m.Matches(path));
}
