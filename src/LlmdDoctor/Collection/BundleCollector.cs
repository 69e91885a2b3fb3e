using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Collection;

/// <summary>
/// <c>collect</c>: writes a bundle (design.md §9) from a live cluster — the objects as <c>kind: List</c> YAML (Secrets by
/// name and type only), the collection status, and each gateway pod's Envoy admin output.
/// </summary>
public static class BundleCollector
{
    private static readonly (string Path, string File)[] AdminFiles =
    [
        ("/config_dump", "config_dump.json"), ("/stats", "stats.txt"), ("/clusters", "clusters.txt"), ("/server_info", "server_info.json"),
    ];

    public static async Task<int> CollectAsync(KubeConnection connection, DoctorConfig config, string directory, CancellationToken cancellation)
    {
        using var client = new KubeClient(RegisteredCredentialSource.Of(connection));
        var inventory = await new LiveInventoryCollector(client, new LiveInventoryOptions { KeepObjects = true }).CollectAsync(cancellation).ConfigureAwait(false);
        var writer = new BundleWriter(directory);
        var written = writer.WriteObjects(inventory.Objects).Count;
        writer.WriteCollectionStatus(inventory.Inputs);
        written++;
        // Merged Envoy Gateway fleets serve several Gateways from one pod: its admin output is written once.
        var dumped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gateway in inventory.Snapshot.Gateways)
        {
            var proxies = GatewayProxies.Of(inventory.Snapshot, gateway);
            var pod = proxies.Pods.OrderByDescending(p => p.IsReady).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault();
            if (pod is null || !dumped.Add(pod.Metadata.Key))
            {
                continue;
            }

            foreach (var (path, file) in AdminFiles)
            {
                try
                {
                    using var response = await client.PortForwardGetAsync(pod.Metadata.Ns, pod.Metadata.Name, proxies.AdminPort, path,
                        config.Limits.MaxDumpBytes, config.Probe.Timeout, cancellation).ConfigureAwait(false);
                    if (response.StatusCode == 200)
                    {
                        await writer.WriteEnvoyFileAsync(pod.Metadata.Ns, pod.Metadata.Name, file, response.Body, cancellation).ConfigureAwait(false);
                        written++;
                    }
                }
                catch (KubeApiException)
                {
                    // Recorded by analyze as a missing file for that pod (LLMD0003 there), not fatal for the bundle.
                }
            }
        }

        return written;
    }
}
