using System.Globalization;
using System.Text;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>One InferencePool route the fix covers, and where its Endpoint Picker cluster came from.</summary>
/// <param name="RouteName">The Envoy route name (<c>&lt;ns&gt;.&lt;httproute&gt;.&lt;rule index&gt;</c>).</param>
/// <param name="EndpointPickerCluster"><c>outbound|&lt;port&gt;||&lt;epp-service&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>.</param>
/// <param name="ClusterSource"><c>config dump</c> or <c>InferencePool &lt;ns&gt;/&lt;name&gt;</c>.</param>
/// <param name="FailureModeAllow">The route's own <c>failure_mode_allow</c> to keep (Istio sets it from the pool's failureMode); null when unknown.</param>
public sealed record EnvoyFilterFixRoute(string RouteName, string EndpointPickerCluster, string ClusterSource, bool? FailureModeAllow);

/// <summary>The generated EnvoyFilter and what it covers.</summary>
/// <param name="Namespace">The gateway's namespace (where the EnvoyFilter must live to apply).</param>
/// <param name="Name"><c>llmd-doctor-extproc-buffered-&lt;gateway&gt;</c>.</param>
/// <param name="Yaml">The manifest, with a header comment; only a comment when there is nothing to cover.</param>
/// <param name="Routes">The routes it patches.</param>
/// <param name="Notes">Routes left out and why.</param>
public sealed record EnvoyFilterFixResult(string Namespace, string Name, string Yaml, IReadOnlyList<EnvoyFilterFixRoute> Routes, IReadOnlyList<string> Notes);

/// <summary>
/// <c>fix envoyfilter</c>: the EnvoyFilter that switches exactly one gateway's InferencePool routes from
/// FULL_DUPLEX_STREAMED to BUFFERED. Each route gets an HTTP_ROUTE MERGE patch; the patch must carry the
/// Endpoint Picker cluster because MERGE replaces the route's whole <c>typed_per_filter_config</c> entry, and
/// the listener filter's own cluster is Istio's placeholder <c>dummy</c> (istio filters.go, route.go); for the
/// same reason the route's <c>failure_mode_allow</c> (the pool's failureMode) is carried over. Envoy before 1.35
/// ignores that field and applies the listener filter's fail-open (envoy #40014).
/// </summary>
public static class EnvoyFilterFix
{
    public const string NamePrefix = "llmd-doctor-extproc-buffered-";

    public static EnvoyFilterFixResult Generate(
        Gateway gateway,
        IEnumerable<RequestFlow> flows,
        IReadOnlyList<GatewayEnvoyData>? envoy = null,
        string clusterDomain = "cluster.local")
    {
        var gatewayKey = gateway.Metadata.Key;
        var pods = (envoy ?? []).Where(d => d.GatewayKey == gatewayKey && d.IsReadable).ToList();
        var routes = new List<EnvoyFilterFixRoute>();
        var notes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flow in flows.Where(f => f.GatewayKey == gatewayKey && f.IsPoolRoute).OrderBy(f => f.EnvoyRouteName, StringComparer.Ordinal))
        {
            if (!seen.Add(flow.EnvoyRouteName))
            {
                continue;
            }

            var dumped = pods.SelectMany(p => p.RoutesNamed(flow.EnvoyRouteName).Select(r => (Route: r, Mode: p.EffectiveExtProc(r))))
                .FirstOrDefault(x => x.Mode.EndpointPickerCluster is not null);
            var failOpen = dumped.Route?.ExtProc?.FailureModeAllow ?? flow.Pool?.FailOpen;
            if (dumped.Mode?.EndpointPickerCluster is { } fromDump)
            {
                routes.Add(new EnvoyFilterFixRoute(flow.EnvoyRouteName, fromDump, "config dump", failOpen));
            }
            else if (flow.Pool is { } pool)
            {
                routes.Add(new EnvoyFilterFixRoute(flow.EnvoyRouteName, ClusterOf(pool, clusterDomain), $"InferencePool {pool.Metadata.Key}", failOpen));
            }
            else
            {
                notes.Add($"route {flow.EnvoyRouteName}: its InferencePool {flow.PrimaryBackend?.Namespace}/{flow.PrimaryBackend?.Name} does not exist, so its Endpoint Picker cluster is unknown; left out");
            }
        }

        var name = NameFor(gateway.Metadata.Name);
        return new EnvoyFilterFixResult(gateway.Metadata.Ns, name, Render(gateway, name, routes, notes), routes, notes);
    }

    /// <summary>Istio's cluster name for a pool's Endpoint Picker (istio route_collections.go, BuildSubsetKey).</summary>
    public static string ClusterOf(InferencePool pool, string clusterDomain = "cluster.local") =>
        string.Create(CultureInfo.InvariantCulture, $"outbound|{pool.PickerPort}||{pool.PickerName}.{pool.Metadata.Ns}.svc.{clusterDomain}");

    /// <summary>The EnvoyFilter's name for a gateway, within the 253 characters of a Kubernetes name.</summary>
    public static string NameFor(string gatewayName)
    {
        var name = NamePrefix + gatewayName;
        return name.Length <= 253 ? name : name[..253].TrimEnd('-', '.');
    }

    private static string Render(Gateway gateway, string name, List<EnvoyFilterFixRoute> routes, List<string> notes)
    {
        var y = new StringBuilder();
        y.Append("# Generated by: llmd-doctor fix envoyfilter --gateway ").Append(gateway.Metadata.Key).Append('\n');
        foreach (var note in notes)
        {
            y.Append("# Note: ").Append(note).Append('\n');
        }

        if (routes.Count == 0)
        {
            y.Append("# Gateway ").Append(gateway.Metadata.Key).Append(" has no InferencePool routes to cover: nothing to apply.\n");
            return y.ToString();
        }

        y.Append("""
            # What it does: switches ext_proc on this gateway's InferencePool routes from request/response body
            # mode FULL_DUPLEX_STREAMED to BUFFERED. In FULL_DUPLEX_STREAMED Envoy keeps no copy of the body
            # (envoy #39740), so with fail-open a failed Endpoint Picker stream sends the request to the model
            # without its body (400 "Field required", LLMD0301/LLMD0401); BUFFERED keeps it.
            # Caveat: if the Endpoint Picker stream itself fails, requests are still served, but without the
            # Endpoint Picker choosing the pod. Fix the Endpoint Picker connection too (LLMD0204).
            # Route names are <namespace>.<httproute>.<rule index>: regenerate this when the routes change
            # (LLMD0303). Remove it after upgrading to Istio 1.28+ / Envoy 1.36+ (envoy #41276).

            """);
        y.Append("apiVersion: networking.istio.io/v1alpha3\n");
        y.Append("kind: EnvoyFilter\n");
        y.Append("metadata:\n");
        y.Append("  name: ").Append(Scalar(name)).Append('\n');
        y.Append("  namespace: ").Append(Scalar(gateway.Metadata.Ns)).Append('\n');
        y.Append("  labels:\n");
        y.Append("    app.kubernetes.io/managed-by: llmd-doctor\n");
        y.Append("spec:\n");
        y.Append("  workloadSelector:\n");
        y.Append("    labels:\n");
        y.Append("      ").Append(ClusterSnapshot.GatewayNameLabel).Append(": ").Append(Scalar(gateway.Metadata.Name)).Append('\n');
        y.Append("  configPatches:\n");
        foreach (var route in routes)
        {
            y.Append("  - applyTo: HTTP_ROUTE\n");
            y.Append("    match:\n");
            y.Append("      context: GATEWAY\n");
            y.Append("      routeConfiguration:\n");
            y.Append("        vhost:\n");
            y.Append("          route:\n");
            y.Append("            name: ").Append(Scalar(route.RouteName)).Append('\n');
            y.Append("    patch:\n");
            y.Append("      operation: MERGE\n");
            y.Append("      value:\n");
            y.Append("        typed_per_filter_config:\n");
            y.Append("          envoy.filters.http.ext_proc:\n");
            y.Append("            \"@type\": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute\n");
            y.Append("            overrides:\n");
            y.Append("              processing_mode:\n");
            y.Append("                request_header_mode: SEND\n");
            y.Append("                response_header_mode: SEND\n");
            y.Append("                request_body_mode: BUFFERED\n");
            y.Append("                response_body_mode: BUFFERED\n");
            y.Append("              grpc_service:\n");
            y.Append("                envoy_grpc:\n");
            y.Append("                  cluster_name: ").Append(Scalar(route.EndpointPickerCluster)).Append('\n');
            if (route.FailureModeAllow is { } allow)
            {
                y.Append("              failure_mode_allow: ").Append(allow ? "true" : "false").Append('\n');
            }
        }

        return y.ToString();
    }

    /// <summary>A YAML scalar: plain when safe, else double-quoted.</summary>
    private static string Scalar(string value)
    {
        var plain = value.Length > 0
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/')
            && !value.StartsWith('-')
            && value is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off")
            && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return plain ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
