using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Telemetry;
using LlmdDoctor.Envoy.Admin;
using LlmdDoctor.Envoy.ConfigDump;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Collection;

/// <summary>
/// Reads each gateway pod's Envoy admin (<c>/config_dump</c>, <c>/server_info</c>, <c>/stats</c>, <c>/clusters</c>) through
/// <c>pods/portforward</c> to the admin port of its implementation (Istio 15000, Envoy Gateway 19000; both bind admin to
/// localhost, so istioctl and egctl port-forward too). Bounded in size and time.
/// </summary>
public sealed class EnvoyAdminCollector(KubeClient client, long maxDumpBytes, TimeSpan timeout)
{
    public sealed record Result(IReadOnlyList<GatewayEnvoyData> Gateways, InputState Config, InputState Stats);

    public async Task<Result> CollectAsync(ClusterSnapshot cluster, CancellationToken cancellation)
    {
        var data = new List<GatewayEnvoyData>();
        var denied = (string?)null;
        foreach (var gateway in cluster.Gateways)
        {
            if (await ReadGatewayAsync(cluster, gateway, cancellation).ConfigureAwait(false) is { } read)
            {
                data.Add(read);
                denied ??= read.Problem is { } p && p.StartsWith(DeniedPrefix, StringComparison.Ordinal) ? p[DeniedPrefix.Length..] : null;
            }
        }

        var source = "Envoy admin via pods/portforward";
        var config = data.Count == 0 ? InputState.NotCollected("no gateway pods to read Envoy admin from")
            : data.Any(d => d.IsReadable) ? InputState.Available(source)
            : denied is not null ? InputState.Denied("pods/portforward", denied)
            : InputState.Unavailable(source, string.Join("; ", data.Select(d => d.Problem)));
        var stats = data.Any(d => d.IsReadable && d.StatsProblem is null && d.UpstreamStats is not null) ? InputState.Available(source)
            : data.Count == 0 ? config
            : InputState.Unavailable(source, data.Select(d => d.StatsProblem ?? d.Problem).FirstOrDefault(p => p is not null) ?? "no /stats read");
        return new Result(data, config, stats);
    }

    private const string DeniedPrefix = "port-forward denied: ";

    /// <summary>
    /// One gateway's Envoy admin data from one of its pods (a ready one first: all pods of a gateway get the same
    /// xDS); null when the gateway has no pod. A refused or failed port-forward is the data's <c>Problem</c>.
    /// </summary>
    public async Task<GatewayEnvoyData?> ReadGatewayAsync(ClusterSnapshot cluster, Gateway gateway, CancellationToken cancellation)
    {
        var proxies = GatewayProxies.Of(cluster, gateway);
        var pod = proxies.Pods.OrderByDescending(p => p.IsReady).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault();
        if (pod is null)
        {
            return null;
        }

        try
        {
            return await ReadPodAsync(gateway, pod, proxies.AdminPort, cancellation).ConfigureAwait(false);
        }
        catch (KubeForbiddenException ex)
        {
            return new GatewayEnvoyData(gateway.Metadata.Ns, gateway.Metadata.Name, pod.Metadata.Name) { Problem = DeniedPrefix + ex.Message };
        }
        catch (KubeApiException ex)
        {
            return new GatewayEnvoyData(gateway.Metadata.Ns, gateway.Metadata.Name, pod.Metadata.Name) { Problem = ex.Message };
        }
    }

    /// <summary>
    /// The Endpoint Picker clusters' counters of the pod <paramref name="data"/> was read from, read again (a trace
    /// reads them before and after its request, so the difference is that request's); null when they cannot be read.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Core.Envoy.UpstreamClusterStats>?> ReadEndpointPickerStatsAsync(ClusterSnapshot cluster, Gateway gateway, GatewayEnvoyData data, CancellationToken cancellation)
    {
        var proxies = GatewayProxies.Of(cluster, gateway);
        if (proxies.Pods.FirstOrDefault(p => p.Metadata.Name == data.PodName) is not { } pod)
        {
            return null;
        }

        var (ns, adminPort) = (pod.Metadata.Ns, proxies.AdminPort);
        var keep = GatewayEnvoyDataReader.EndpointPickerClusters(data);
        var stats = await ReadAsync(ns, data.PodName, adminPort, "/stats", r => EnvoyStatsText.Parse(r, GatewayEnvoyDataReader.StatsFilter(keep)), cancellation).ConfigureAwait(false);
        return stats is null ? null : GatewayEnvoyDataReader.WithStats(data with { UpstreamStats = null }, stats, null).UpstreamStats;
    }

    private async Task<GatewayEnvoyData> ReadPodAsync(Gateway gateway, Pod pod, int adminPort, CancellationToken cancellation)
    {
        var ns = pod.Metadata.Ns;
        var name = pod.Metadata.Name;
        ConfigDump dump;
        using (CollectionProgress.Enter($"Envoy admin /config_dump of pod {ns}/{name} (port-forward)"))
        using (var response = await client.PortForwardGetAsync(ns, name, adminPort, "/config_dump", maxDumpBytes, timeout, cancellation).ConfigureAwait(false))
        {
            dump = response.StatusCode == 200
                ? ConfigDumpParser.Parse(response.Body, $"{ns}/{name}/config_dump", new ConfigDumpOptions { MaxBytes = maxDumpBytes }, cancellation)
                : new ConfigDump { Origin = $"{ns}/{name}/config_dump", Problem = $"Envoy admin answered {response.StatusCode} for /config_dump" };
        }

        var serverInfo = await ReadAsync(ns, name, adminPort, "/server_info", r => EnvoyServerInfo.Parse(r.ReadToEnd()), cancellation).ConfigureAwait(false);
        var data = GatewayEnvoyDataReader.FromDump(gateway.Metadata.Ns, gateway.Metadata.Name, name, dump, serverInfo);
        if (!data.IsReadable)
        {
            return data;
        }

        // Stats are parsed as they stream, keeping only the Endpoint Picker clusters' lines (a big gateway has 100k+).
        var keep = GatewayEnvoyDataReader.EndpointPickerClusters(data);
        var stats = await ReadAsync(ns, name, adminPort, "/stats", r => EnvoyStatsText.Parse(r, GatewayEnvoyDataReader.StatsFilter(keep)), cancellation).ConfigureAwait(false);
        var clusters = await ReadAsync(ns, name, adminPort, "/clusters", r => EnvoyClustersText.Parse(r, keep.Contains), cancellation).ConfigureAwait(false);
        return stats is null && clusters is null
            ? data with { StatsProblem = $"{ns}/{name}: /stats and /clusters could not be read" }
            : GatewayEnvoyDataReader.WithStats(data, stats, clusters);
    }

    private async Task<T?> ReadAsync<T>(string ns, string pod, int adminPort, string path, Func<TextReader, T> parse, CancellationToken cancellation)
        where T : class
    {
        using var phase = CollectionProgress.Enter($"Envoy admin {path} of pod {ns}/{pod} (port-forward)");
        try
        {
            using var response = await client.PortForwardGetAsync(ns, pod, adminPort, path, maxDumpBytes, timeout, cancellation).ConfigureAwait(false);
            if (response.StatusCode != 200)
            {
                return null;
            }

            using var reader = new StreamReader(response.Body);
            return parse(reader);
        }
        catch (KubeApiException)
        {
            return null;
        }
    }
}
