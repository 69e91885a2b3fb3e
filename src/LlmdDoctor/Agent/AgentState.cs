using System.Buffers;

namespace LlmdDoctor.Agent;

/// <summary>What the agent serves: the last complete cycle and the counters; safe to read from request threads.</summary>
public sealed class AgentState
{
    private CycleResult? _last;
    private RenderedMetrics? _metricsPage;

    private sealed record RenderedMetrics(CycleResult? For, ReadOnlySequence<byte> Page);

    public CycleResult? Last => Volatile.Read(ref _last);

    public AgentCounters Counters { get; } = new();

    /// <summary>Why the last attempt failed, when it did (the previous report is still served).</summary>
    public string? LastError { get; private set; }

    /// <summary>With leader election: the replica that holds the Lease, when it is another one (this one stands by).</summary>
    public string? StandbyFor { get; private set; }

    /// <summary>
    /// Ready once a cycle completed that read some of the inventory, or while standing by for a leader. A cycle in
    /// which every list was forbidden or unavailable makes the agent not ready until one reads something again.
    /// </summary>
    public bool Ready => Last is { NothingRead: null } || StandbyFor is not null;

    public void Standby(string leader) => StandbyFor = leader;

    public void Lead() => StandbyFor = null;

    public void Complete(CycleResult result)
    {
        Counters.Record(result.Run);
        Volatile.Write(ref _last, result);
        LastError = null;
    }

    /// <summary>
    /// The <c>/metrics</c> page: everything on it changes only when a cycle completes, so it is rendered once per cycle
    /// and every scrape until the next one gets the same bytes.
    /// </summary>
    public ReadOnlySequence<byte> MetricsPage(Func<CycleResult?, AgentCounters, ReadOnlySequence<byte>> render)
    {
        // Keyed by the cycle it was rendered from: a render racing with a new cycle can never be served after it.
        var last = Last;
        var cached = Volatile.Read(ref _metricsPage);
        if (cached is not null && ReferenceEquals(cached.For, last))
        {
            return cached.Page;
        }

        var page = render(last, Counters);
        Volatile.Write(ref _metricsPage, new RenderedMetrics(last, page));
        return page;
    }

    public void Fail(string error) => LastError = error;
}
