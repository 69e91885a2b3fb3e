using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Admin;

/// <summary>
/// Assembles the typed <see cref="GatewayEnvoyData"/> of one gateway pod from what its admin endpoints
/// returned: <c>/config_dump</c>, optionally <c>/server_info</c>, <c>/stats</c> and <c>/clusters</c>.
/// </summary>
public static class GatewayEnvoyDataReader
{
    public const string ConfigDumpFile = "config_dump.json";
    public const string StatsFile = "stats.txt";
    public const string ClustersFile = "clusters.txt";
    public const string ServerInfoFile = "server_info.json";

    /// <summary>
    /// The typed view of a parsed dump. The Envoy version comes from the bootstrap, else <paramref name="serverInfo"/>,
    /// else the Istio version's Envoy line (<see cref="IstioEnvoyVersions"/>).
    /// </summary>
    public static GatewayEnvoyData FromDump(string gatewayNamespace, string gatewayName, string podName, ConfigDump.ConfigDump dump, EnvoyServerInfo? serverInfo = null)
    {
        var istio = dump.IstioVersion ?? serverInfo?.IstioVersion;
        var (version, source) = dump.EnvoyVersion is { } fromBootstrap ? (fromBootstrap, "bootstrap")
            : serverInfo?.EnvoyVersion is { } fromServer ? (fromServer, "server_info")
            : IstioEnvoyVersions.EnvoyOf(IstioEnvoyVersions.Parse(istio)) is { } inferred ? (inferred, $"inferred from Istio {istio}")
            : ((ComponentVersion?)null, "");
        return new GatewayEnvoyData(gatewayNamespace, gatewayName, podName)
        {
            Problem = dump.Problem,
            NodeId = dump.NodeId,
            IstioVersion = istio,
            EnvoyVersion = version,
            EnvoyVersionSource = source,
            ListenersDumped = dump.ListenersDumped,
            ExtProcFilters = dump.ExtProcFilters,
            Routes = dump.Routes,
            ClusterNames = dump.ClusterNames,
            Skipped = dump.Skipped,
        };
    }

    /// <summary>The Endpoint Picker clusters the pod's routes use (what <c>/stats</c> and <c>/clusters</c> are read for).</summary>
    public static IReadOnlySet<string> EndpointPickerClusters(GatewayEnvoyData data)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in data.Routes)
        {
            if (data.EffectiveExtProc(route) is { Active: true, EndpointPickerCluster: { } cluster })
            {
                set.Add(cluster);
            }
        }

        return set;
    }

    /// <summary>A filter for <see cref="EnvoyStatsText.Parse(TextReader, Func{string, bool}?)"/> keeping only those clusters' stats.</summary>
    public static Func<string, bool> StatsFilter(IReadOnlySet<string> clusters) =>
        name => (name.StartsWith("cluster.", StringComparison.Ordinal)
            && clusters.Any(c => name.Length > 8 + c.Length && name.AsSpan(8).StartsWith(c, StringComparison.Ordinal) && name[8 + c.Length] == '.'))
            || IsExtProcMessageTimeouts(name);

    private const string ExtProcMessageTimeoutsSuffix = ".ext_proc.message_timeouts";

    private static bool IsExtProcMessageTimeouts(string name) =>
        name.StartsWith("http.", StringComparison.Ordinal) && name.EndsWith(ExtProcMessageTimeoutsSuffix, StringComparison.Ordinal);

    /// <summary>Adds the Endpoint Picker clusters' connection health from <c>/stats</c> and <c>/clusters</c>.</summary>
    public static GatewayEnvoyData WithStats(GatewayEnvoyData data, EnvoyStatsText? stats, EnvoyClustersText? clusters)
    {
        if (stats is null && clusters is null)
        {
            return data;
        }

        var map = new Dictionary<string, UpstreamClusterStats>(StringComparer.Ordinal);
        foreach (var cluster in EndpointPickerClusters(data))
        {
            var prefix = $"cluster.{cluster}.";
            var hosts = clusters?.HostsOf(cluster) ?? [];
            map[cluster] = new UpstreamClusterStats(cluster)
            {
                ConnectionsTotal = stats?[prefix + "upstream_cx_total"],
                ConnectFailures = stats?[prefix + "upstream_cx_connect_fail"],
                TlsVerifyFailures = stats?[prefix + "ssl.fail_verify_error"],
                TlsConnectionErrors = stats?[prefix + "ssl.connection_error"],
                HostConnectFailures = clusters is null ? null : hosts.Sum(h => h.Counter("cx_connect_fail") ?? 0),
                Hosts = clusters is null ? null : hosts.Count,
                HealthFlags = [.. hosts.Select(h => h.Stats.GetValueOrDefault("health_flags")).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            };
        }

        return data with
        {
            UpstreamStats = map,
            ExtProcMessageTimeouts = stats?.Names.Where(IsExtProcMessageTimeouts).Sum(n => stats[n] ?? 0),
        };
    }

    /// <summary>
    /// Reads one pod's files of a bundle (<c>config_dump.json</c> and optional <c>server_info.json</c>,
    /// <c>stats.txt</c>, <c>clusters.txt</c>; null when absent). <paramref name="origin"/> names the pod folder in
    /// problems (relative to the bundle, never a local absolute path). Never throws for bad content: problems land in
    /// <see cref="GatewayEnvoyData.Problem"/> and <see cref="GatewayEnvoyData.StatsProblem"/>.
    /// </summary>
    public static GatewayEnvoyData ReadPodFiles(string origin, string? dumpPath, string? serverInfoPath, string? statsPath, string? clustersPath,
        string gatewayNamespace, string gatewayName, string podName, ConfigDumpOptions? options = null)
    {
        var dumpOrigin = $"{origin}/{ConfigDumpFile}";
        var dump = dumpPath is not null
            ? ConfigDumpParser.ParseFile(dumpPath, options, origin: dumpOrigin)
            : new ConfigDump.ConfigDump { Origin = dumpOrigin, Problem = $"{dumpOrigin}: missing" };
        var serverInfo = serverInfoPath is not null ? EnvoyServerInfo.Parse(ReadText(serverInfoPath) ?? "") : null;
        var data = FromDump(gatewayNamespace, gatewayName, podName, dump, serverInfo);
        if (!data.IsReadable || (statsPath is null && clustersPath is null))
        {
            return data;
        }

        try
        {
            var keep = EndpointPickerClusters(data);
            EnvoyStatsText? stats = null;
            EnvoyClustersText? clusters = null;
            if (statsPath is not null)
            {
                using var reader = new StreamReader(Core.Io.BoundedFile.OpenRegular(statsPath));
                stats = EnvoyStatsText.Parse(reader, StatsFilter(keep));
            }

            if (clustersPath is not null)
            {
                using var reader = new StreamReader(Core.Io.BoundedFile.OpenRegular(clustersPath));
                clusters = EnvoyClustersText.Parse(reader, keep.Contains);
            }

            return WithStats(data, stats, clusters);
        }
        catch (Core.Io.UnreadableFileException ex)
        {
            return data with { StatsProblem = $"{origin}: {ex.Message}" };
        }
        catch (IOException)
        {
            return data with { StatsProblem = $"{origin}: the stats could not be read" };
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return Core.Io.BoundedFile.ReadAllText(path, 1024 * 1024);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
