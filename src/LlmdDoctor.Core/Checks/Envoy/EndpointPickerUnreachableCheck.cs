using System.Globalization;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0204: the gateway's Envoy counts connect or TLS failures towards an Endpoint Picker cluster its routes
/// use. With fail-open that is the trigger of the body loss (the write-up's <c>cx_connect_fail</c> =
/// <c>cx_total</c>, TLS CERTIFICATE_VERIFY_FAILED against the EPP's self-signed certificate). In the agent the counters
/// are compared with the previous cycle's, so the finding clears once they stop growing; a one-shot run reads them as
/// counted since the proxy started.
/// </summary>
public sealed class EndpointPickerUnreachableCheck : ICheck
{
    public string Name => "envoy.EndpointPickerReachable";
    public string Description => "connect and TLS failure counters of the gateway's Endpoint Picker clusters";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig, CheckInput.EnvoyStats];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EndpointPickerUnreachableFromGateway];

    public void Run(CheckContext context)
    {
        var routesByCluster = new SortedDictionary<(string Gateway, string Cluster), (GatewayEnvoyData Pod, List<string> Routes)>();
        foreach (var scanned in EnvoyRouteScan.Routes(context))
        {
            if (scanned.Mode is not { Active: true, EndpointPickerCluster: { } cluster })
            {
                continue;
            }

            var key = (scanned.Pod.GatewayKey, cluster);
            if (!routesByCluster.TryGetValue(key, out var entry))
            {
                routesByCluster[key] = entry = (scanned.Pod, []);
            }

            entry.Routes.Add(scanned.Route.Name);
        }

        var views = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        foreach (var ((gateway, cluster), (first, routes)) in routesByCluster)
        {
            var failing = views.ReadablePodsOf(gateway)
                .Select(p => (Pod: p, Stats: p.UpstreamStats?.GetValueOrDefault(cluster)))
                .FirstOrDefault(x => x.Stats is { HasRecentFailures: true });
            if (failing.Stats is not { } stats)
            {
                continue;
            }

            var recent = stats.Recent();

            context.Report(FindingCatalog.EndpointPickerUnreachableFromGateway.At(Subject.Gateway(first.GatewayNamespace, first.GatewayName),
                ("gateway", gateway),
                ("cluster", cluster),
                ("detail", Detail(recent) + (stats.Baseline is null ? " (counted since the proxy started)" : " (since the previous cycle)")),
                ("counted", stats.Baseline is null ? "since the proxy started" : "since the previous cycle"),
                ("route", EnvoyRouteScan.Join(routes)),
                ("pod", failing.Pod.PodName),
                ("upstream_cx_total", N(stats.ConnectionsTotal)),
                ("upstream_cx_connect_fail", N(stats.ConnectFailures)),
                ("ssl.fail_verify_error", N(stats.TlsVerifyFailures)),
                ("ssl.connection_error", N(stats.TlsConnectionErrors)),
                ("cx_connect_fail", N(stats.HostConnectFailures)),
                ("health_flags", string.Join(",", stats.HealthFlags))));
        }
    }

    private static string Detail(UpstreamClusterStats stats)
    {
        var parts = new List<string>();
        if (stats.ConnectFailures > 0)
        {
            parts.Add($"upstream_cx_connect_fail={N(stats.ConnectFailures)} of upstream_cx_total={N(stats.ConnectionsTotal)}");
        }

        if (stats.TlsVerifyFailures > 0)
        {
            parts.Add($"ssl.fail_verify_error={N(stats.TlsVerifyFailures)} (the Endpoint Picker's certificate is not trusted)");
        }

        if (stats.TlsConnectionErrors > 0)
        {
            parts.Add($"ssl.connection_error={N(stats.TlsConnectionErrors)}");
        }

        if (stats.HostConnectFailures > 0)
        {
            parts.Add($"hosts cx_connect_fail={N(stats.HostConnectFailures)}");
        }

        if (stats.HealthFlags.Count > 0)
        {
            parts.Add($"health_flags={string.Join(",", stats.HealthFlags)}");
        }

        return string.Join("; ", parts);
    }

    private static string N(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
}
