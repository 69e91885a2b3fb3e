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

    /// <summary>
    /// The same pod's counters one cycle earlier (the agent remembers them, <see cref="EnvoyCounterBaseline"/>); null
    /// for a one-shot run or a pod seen for the first time. Envoy's counters only grow until the proxy restarts.
    /// </summary>
    public UpstreamClusterStats? Baseline { get; init; }

    /// <summary>Connect or TLS failures seen at all since the proxy started.</summary>
    public bool HasFailures =>
        ConnectFailures > 0 || TlsVerifyFailures > 0 || TlsConnectionErrors > 0 || HostConnectFailures > 0;

    /// <summary>
    /// Failures that are current: counted since <see cref="Baseline"/> when there is one (a failure long past stops
    /// firing once the counters stop growing), else since the proxy started.
    /// </summary>
    public bool HasRecentFailures => Baseline is null ? HasFailures : Recent().HasFailures;

    /// <summary>The counters' growth since <see cref="Baseline"/> (a counter that went down was reset: its value counts whole); itself without one.</summary>
    public UpstreamClusterStats Recent() => Baseline is not { } b ? this : this with
    {
        Baseline = null,
        ConnectionsTotal = Since(ConnectionsTotal, b.ConnectionsTotal),
        ConnectFailures = Since(ConnectFailures, b.ConnectFailures),
        TlsVerifyFailures = Since(TlsVerifyFailures, b.TlsVerifyFailures),
        TlsConnectionErrors = Since(TlsConnectionErrors, b.TlsConnectionErrors),
        HostConnectFailures = Since(HostConnectFailures, b.HostConnectFailures),
    };

    private static long? Since(long? now, long? before) =>
        now is not { } n ? null : before is { } b && b <= n ? n - b : n;
}
