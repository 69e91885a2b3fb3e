using System.Globalization;

namespace LlmdDoctor.Envoy.Admin;

/// <summary>One host of a cluster in <c>/clusters</c>, with its stats (<c>cx_connect_fail</c>, <c>health_flags</c>, …).</summary>
public sealed record EnvoyClusterHost(string Cluster, string Address, IReadOnlyDictionary<string, string> Stats)
{
    public long? Counter(string name) =>
        Stats.TryGetValue(name, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>
/// Envoy admin <c>/clusters</c> in text form: <c>cluster::host::stat::value</c> per host line and
/// <c>cluster::key::value</c> (or <c>cluster::default_priority::key::value</c>) per cluster line. Hosts may be
/// IPv6 (<c>[fd00::1]:9002</c>), so the host is everything between the cluster and the last two fields.
/// </summary>
public sealed class EnvoyClustersText
{
    private readonly Dictionary<string, List<EnvoyClusterHost>> _hosts;

    private EnvoyClustersText(Dictionary<string, List<EnvoyClusterHost>> hosts, int skipped)
    {
        _hosts = hosts;
        SkippedLines = skipped;
    }

    /// <summary>Lines that did not have the expected shape.</summary>
    public int SkippedLines { get; }

    public IEnumerable<string> Clusters => _hosts.Keys;

    public IReadOnlyList<EnvoyClusterHost> HostsOf(string cluster) => _hosts.TryGetValue(cluster, out var list) ? list : [];

    public static EnvoyClustersText Parse(TextReader text, Func<string, bool>? keepCluster = null)
    {
        var stats = new Dictionary<(string Cluster, string Host), Dictionary<string, string>>();
        var order = new List<(string, string)>();
        var skipped = 0;
        while (text.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var first = line.IndexOf("::", StringComparison.Ordinal);
            var last = line.LastIndexOf("::", StringComparison.Ordinal);
            if (first <= 0 || last <= first)
            {
                skipped++;
                continue;
            }

            var beforeLast = line.LastIndexOf("::", last - 1, StringComparison.Ordinal);
            if (beforeLast <= first)
            {
                continue; // cluster::key::value: a cluster setting, not a host.
            }

            var cluster = line[..first];
            var host = line[(first + 2)..beforeLast];
            if (host is "default_priority" or "high_priority" || (keepCluster is not null && !keepCluster(cluster)))
            {
                continue;
            }

            var key = (cluster, host);
            if (!stats.TryGetValue(key, out var map))
            {
                stats[key] = map = new Dictionary<string, string>(StringComparer.Ordinal);
                order.Add(key);
            }

            map[line[(beforeLast + 2)..last]] = line[(last + 2)..];
        }

        var hosts = new Dictionary<string, List<EnvoyClusterHost>>(StringComparer.Ordinal);
        foreach (var (cluster, host) in order)
        {
            if (!hosts.TryGetValue(cluster, out var list))
            {
                hosts[cluster] = list = [];
            }

            list.Add(new EnvoyClusterHost(cluster, host, stats[(cluster, host)]));
        }

        return new EnvoyClustersText(hosts, skipped);
    }

    public static EnvoyClustersText Parse(string text, Func<string, bool>? keepCluster = null)
    {
        using var reader = new StringReader(text);
        return Parse(reader, keepCluster);
    }
}
