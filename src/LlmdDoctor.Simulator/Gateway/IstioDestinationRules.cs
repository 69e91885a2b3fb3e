using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// Which DestinationRule Istio applies to a host for a proxy, following <c>PushContext.destinationRule</c>
/// (istio <c>pilot/pkg/model/push_context.go</c> @1.27.0): first the rules in the proxy's own namespace (all of them,
/// whatever their exportTo), then the rules of the service's namespace exported to the proxy's namespace, then those
/// of the root namespace (<c>istio-system</c>) exported to it. Within a namespace the most specific host wins (exact,
/// then the longest <c>*.</c> wildcard); several rules for the same host are merged by Istio with the oldest one's
/// traffic policy winning, which is what taking the oldest gives here.
/// </summary>
internal static class IstioDestinationRules
{
    public const string RootNamespace = "istio-system";

    /// <summary>The rule that applies to <paramref name="host"/> (a <c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> name) for a proxy in <paramref name="proxyNamespace"/>.</summary>
    public static JsonObject? For(IEnumerable<JsonObject> rules, string proxyNamespace, string host)
    {
        var all = rules.ToList();
        var serviceNamespace = host.Split('.') is [_, var hostNamespace, ..] ? hostNamespace : null;
        if (proxyNamespace != RootNamespace && MostSpecific(all.Where(r => ClusterModel.Ns(r) == proxyNamespace), host) is { } local)
        {
            return local;
        }

        if (proxyNamespace == RootNamespace && MostSpecific(all.Where(r => ClusterModel.Ns(r) == RootNamespace), host) is { } root)
        {
            return root;
        }

        foreach (var ns in new[] { serviceNamespace, RootNamespace }.OfType<string>())
        {
            if (MostSpecific(all.Where(r => ClusterModel.Ns(r) == ns && ExportedTo(r, proxyNamespace)), host) is { } exported)
            {
                return exported;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the rule's TLS settings accept the EPP's self-signed certificate: <c>SIMPLE</c> with
    /// <c>insecureSkipVerify: true</c> (what GIE's and llm-d's guides apply). Null when the rule sets no TLS.
    /// </summary>
    public static bool? TrustsSelfSigned(JsonObject rule) =>
        rule["spec"]?["trafficPolicy"]?["tls"] is JsonObject tls
            ? (string?)tls["mode"] == "SIMPLE" && tls["insecureSkipVerify"]?.ToString() is "true" or "True"
            : null;

    /// <summary><c>exportTo</c>: empty or <c>*</c> = every namespace, <c>.</c> = its own, <c>~</c> = none, else the names listed.</summary>
    private static bool ExportedTo(JsonObject rule, string proxyNamespace)
    {
        var exportTo = (rule["spec"]?["exportTo"] as JsonArray ?? []).Select(e => (string?)e).OfType<string>().ToList();
        return exportTo.Count == 0 || exportTo.Any(e => e == "*" || e == proxyNamespace || (e == "." && ClusterModel.Ns(rule) == proxyNamespace));
    }

    private static JsonObject? MostSpecific(IEnumerable<JsonObject> rules, string host)
    {
        JsonObject? best = null;
        var bestScore = -1;
        foreach (var rule in rules.OrderBy(r => (string?)r["metadata"]?["creationTimestamp"] ?? "", StringComparer.Ordinal))
        {
            // A short name is relative to the rule's namespace (Istio resolves it to <name>.<ns>.svc.cluster.local).
            var ruleHost = (string?)rule["spec"]?["host"] ?? "";
            if (ruleHost.Length > 0 && !ruleHost.Contains('.', StringComparison.Ordinal) && ruleHost != "*")
            {
                ruleHost = $"{ruleHost}.{ClusterModel.Ns(rule)}.svc.cluster.local";
            }

            var score = ruleHost == host ? int.MaxValue
                : ruleHost.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(ruleHost[1..], StringComparison.Ordinal) ? ruleHost.Length
                : ruleHost == "*" ? 0
                : -1;
            if (score > bestScore)
            {
                best = rule;
                bestScore = score;
            }
        }

        return best;
    }
}
