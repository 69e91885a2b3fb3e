namespace LlmdDoctor.Collection;

/// <summary>
/// Where a cluster Service port is reached from where the doctor runs: in the cluster, its DNS name; the simulator
/// (and tests) map those names to loopback listeners.
/// </summary>
public sealed class ServiceAddresses(IReadOnlyDictionary<string, Uri>? overrides = null, string clusterDomain = "cluster.local")
{
    public string ClusterDomain => clusterDomain;

    /// <summary>Whether Service names are mapped to other addresses (the simulator, tests); else they are cluster DNS names.</summary>
    public bool Mapped => overrides is { Count: > 0 };

    /// <summary>The URL of <paramref name="service"/> in <paramref name="ns"/> on <paramref name="port"/>.</summary>
    public Uri Resolve(string ns, string service, int port, string scheme)
    {
        var host = $"{service}.{ns}.svc.{clusterDomain}";
        return overrides is not null && overrides.TryGetValue($"{host}:{port}", out var mapped)
            ? mapped
            : new Uri($"{scheme}://{host}:{port}");
    }

    /// <summary>The URL of a pod's port by its IP (mapped like Service names when <see cref="Mapped"/>).</summary>
    public Uri ResolvePod(string podIp, int port, string scheme) =>
        overrides is not null && overrides.TryGetValue($"{podIp}:{port}", out var mapped)
            ? mapped
            : new Uri($"{scheme}://{(podIp.Contains(':', StringComparison.Ordinal) ? $"[{podIp}]" : podIp)}:{port}");
}
