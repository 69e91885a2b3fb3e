namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// The agent's memory of each gateway pod's upstream counters from the previous cycle, so a check can tell failures
/// happening now from failures counted since the proxy started (Envoy's counters reset only when it restarts). Not
/// thread-safe: one collection at a time, as the agent runs cycles.
/// </summary>
public sealed class EnvoyCounterBaseline
{
    private Dictionary<(string Gateway, string Pod), IReadOnlyDictionary<string, UpstreamClusterStats>> _previous = [];

    /// <summary>
    /// <paramref name="current"/> with each cluster's counters given the same pod's counters of the previous call as
    /// <see cref="UpstreamClusterStats.Baseline"/>; remembers this call's counters for the next. A pod whose stats could
    /// not be read keeps its older baseline; a pod gone is forgotten.
    /// </summary>
    public IReadOnlyList<GatewayEnvoyData> Attach(IReadOnlyList<GatewayEnvoyData> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var next = new Dictionary<(string Gateway, string Pod), IReadOnlyDictionary<string, UpstreamClusterStats>>();
        var result = new List<GatewayEnvoyData>(current.Count);
        foreach (var pod in current)
        {
            var key = (pod.GatewayKey, pod.PodName);
            var before = _previous.GetValueOrDefault(key);
            if (pod.UpstreamStats is not { } stats)
            {
                if (before is not null)
                {
                    next[key] = before;
                }

                result.Add(pod);
                continue;
            }

            next[key] = stats.ToDictionary(kv => kv.Key, kv => kv.Value with { Baseline = null }, StringComparer.Ordinal);
            result.Add(before is null ? pod : pod with
            {
                UpstreamStats = stats.ToDictionary(kv => kv.Key, kv => kv.Value with { Baseline = before.GetValueOrDefault(kv.Key) }, StringComparer.Ordinal),
            });
        }

        _previous = next;
        return result;
    }
}
