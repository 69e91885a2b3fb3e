namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// Connection health of one upstream cluster (an Endpoint Picker cluster) as the gateway's Envoy counts it:
/// from <c>/stats</c> (<c>cluster.&lt;name&gt;.*</c>) and <c>/clusters</c> (per host). A null counter was not reported.
/// Counters are cumulative since the proxy started.
/// </summary>
public sealed record UpstreamClusterStats(string Name)
{
    /// <summary><c>upstream_cx_total</c>.</summary>
    public long? ConnectionsTotal { get; init; }

    /// <summary><c>upstream_cx_connect_fail</c>.</summary>
    public long? ConnectFailures { get; init; }

    /// <summary><c>ssl.fail_verify_error</c>: the peer certificate did not verify (e.g. the EPP's self-signed certificate).</summary>
    public long? TlsVerifyFailures { get; init; }

    /// <summary><c>ssl.connection_error</c>.</summary>
    public long? TlsConnectionErrors { get; init; }

    /// <summary>Sum of the hosts' <c>cx_connect_fail</c> in <c>/clusters</c>.</summary>
    public long? HostConnectFailures { get; init; }

    /// <summary>Number of hosts listed in <c>/clusters</c>, when read.</summary>
    public int? Hosts { get; init; }

    /// <summary>Distinct host <c>health_flags</c> values (<c>healthy</c>, <c>/failed_active_hc</c>, …).</summary>
    public IReadOnlyList<string> HealthFlags { get; init; } = [];

    /// <summary>Connect or TLS failures seen at all.</summary>
    public bool HasFailures =>
        ConnectFailures > 0 || TlsVerifyFailures > 0 || TlsConnectionErrors > 0 || HostConnectFailures > 0;
}
