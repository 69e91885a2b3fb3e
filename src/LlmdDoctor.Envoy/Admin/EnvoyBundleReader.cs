using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Io;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Admin;

/// <summary>The Envoy part of a bundle, read: per-pod data and the input states to record for the run.</summary>
public sealed record EnvoyBundle(IReadOnlyList<GatewayEnvoyData> Gateways, InputState ConfigState, InputState StatsState);

/// <summary>
/// Reads <c>envoy/&lt;namespace&gt;/&lt;pod&gt;/</c> directories of a bundle (design §9) and maps each pod to the
/// Gateway it serves (<see cref="GatewayOfPod"/>).
/// </summary>
public static class EnvoyBundleReader
{
    /// <summary>
    /// Reads every <c>&lt;namespace&gt;/&lt;pod&gt;/</c> folder under <paramref name="envoyDirectory"/>, only regular files
    /// inside it (<see cref="ContainedFiles"/>: no symlink out of the bundle is followed, no FIFO opened).
    /// </summary>
    public static EnvoyBundle Read(string envoyDirectory, ClusterSnapshot cluster, ConfigDumpOptions? options = null) =>
        Directory.Exists(envoyDirectory)
            ? Read(EnvoyPodFiles.Among(ContainedFiles.List(envoyDirectory, [], maxDepth: 2)), cluster, options)
            : Read([], cluster, options, hasEnvoyDirectory: false);

    /// <summary>Reads the pod files a bundle walk already found (<c>Bundle.Envoy</c>), so the folder is walked once.</summary>
    public static EnvoyBundle Read(IReadOnlyList<EnvoyPodFiles> pods, ClusterSnapshot cluster, ConfigDumpOptions? options = null, bool hasEnvoyDirectory = true)
    {
        const string source = "bundle envoy/";
        if (!hasEnvoyDirectory)
        {
            return new EnvoyBundle([], InputState.NotCollected("the bundle has no envoy/ directory"), InputState.NotCollected("the bundle has no envoy/ directory"));
        }

        var data = new List<GatewayEnvoyData>();
        foreach (var pod in pods)
        {
            var (gatewayNs, gateway) = GatewayOfPod(cluster, pod.Namespace, pod.Pod);
            data.Add(GatewayEnvoyDataReader.ReadPodFiles($"envoy/{pod.Namespace}/{pod.Pod}",
                pod.ConfigDump, pod.ServerInfo, pod.Stats, pod.Clusters, gatewayNs, gateway, pod.Pod, options));
        }

        var anyStats = pods.Any(p => p.Stats is not null || p.Clusters is not null);
        return new EnvoyBundle(data, StateOf(data, source, d => d.IsReadable), StatsStateOf(data, anyStats, source));
    }

    /// <summary>
    /// The gateway a pod serves: the Gateway whose proxies (<see cref="GatewayProxies"/>: Istio automated or manual
    /// deployment, Envoy Gateway) include the pod; without the pod object, the name Istio's automated deployment
    /// gives (<c>&lt;gateway&gt;-&lt;class&gt;-…</c>) is matched against the namespace's Gateways, longest first. A pod
    /// that maps to no Gateway keeps its own namespace and name, so its dump is still analysed.
    /// </summary>
    public static (string Namespace, string Name) GatewayOfPod(ClusterSnapshot cluster, string ns, string pod)
    {
        var served = cluster.Gateways.FirstOrDefault(g => GatewayProxies.Of(cluster, g).Pods.Any(p => p.Metadata.Ns == ns && p.Metadata.Name == pod));
        if (served is not null)
        {
            return (served.Metadata.Ns, served.Metadata.Name);
        }

        var byName = cluster.Gateways.Where(g => g.Metadata.Ns == ns && pod.StartsWith(g.Metadata.Name + "-", StringComparison.Ordinal))
            .Select(g => g.Metadata.Name).OrderByDescending(n => n.Length).FirstOrDefault();
        return (ns, byName ?? pod);
    }

    /// <summary>
    /// Available when at least one dump was read (unreadable pods then carry <see cref="GatewayEnvoyData.Problem"/>
    /// and envoy.AdminDataReadable reports them); Unavailable when dumps exist and none could be read.
    /// </summary>
    private static InputState StateOf(IReadOnlyList<GatewayEnvoyData> data, string source, Func<GatewayEnvoyData, bool> readable) =>
        data.Count == 0 ? InputState.NotCollected("the bundle holds no Envoy config dumps")
        : data.Any(readable) ? InputState.Available(source)
        : InputState.Unavailable(source, string.Join("; ", data.Select(d => d.Problem).OfType<string>().Take(3)));

    private static InputState StatsStateOf(IReadOnlyList<GatewayEnvoyData> data, bool anyStats, string source) =>
        !anyStats ? InputState.NotCollected("the bundle holds no Envoy stats.txt or clusters.txt")
            : data.Any(d => d.UpstreamStats is not null) ? InputState.Available(source)
            : InputState.Unavailable(source, "no Envoy stats could be read");
}
