using System.Collections.Immutable;

namespace LlmdDoctor.Core.Probes;

/// <summary>
/// Identity of a probe across cycles: gateway, model and probe kind. The model is identified by its API
/// prefix on the gateway (<c>/&lt;ns&gt;/&lt;llmisvc&gt;</c>), which stays put while the served id is re-read every cycle.
/// </summary>
public readonly record struct ProbeSeriesKey(string Gateway, string ApiPrefix, ProbeKind Kind)
{
    public static ProbeSeriesKey Of(ProbeResult result) => new(result.Target.GatewayKey, result.Target.Entry, result.Target.Kind);

    public override string ToString() => $"{Gateway}{ApiPrefix} {Kind.ToLabel()}";
}

/// <summary>
/// The last results per <see cref="ProbeSeriesKey"/>, and the last failures even after later probes passed,
/// so an intermittent failure stays explainable. Immutable: <see cref="Append"/> returns a new history.
/// </summary>
public sealed class ProbeHistory
{
    private readonly ImmutableSortedDictionary<ProbeSeriesKey, Series> _series;

    private ProbeHistory(int capacity, int failureCapacity, ImmutableSortedDictionary<ProbeSeriesKey, Series> series)
    {
        Capacity = capacity;
        FailureCapacity = failureCapacity;
        _series = series;
    }

    public static ProbeHistory Empty { get; } = Create();

    /// <summary>An empty history keeping <paramref name="capacity"/> results and <paramref name="failureCapacity"/> failures per series.</summary>
    public static ProbeHistory Create(int capacity = 10, int failureCapacity = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(failureCapacity);
        return new(capacity, failureCapacity, ImmutableSortedDictionary.Create<ProbeSeriesKey, Series>(KeyOrder.Instance));
    }

    public int Capacity { get; }
    public int FailureCapacity { get; }

    public IEnumerable<ProbeSeriesKey> Keys => _series.Keys;

    /// <summary>Adds one cycle's results; the oldest beyond the capacities fall out.</summary>
    public ProbeHistory Append(IEnumerable<ProbeResult> cycleResults)
    {
        var builder = _series.ToBuilder();
        foreach (var result in cycleResults)
        {
            var key = ProbeSeriesKey.Of(result);
            var series = builder.TryGetValue(key, out var existing) ? existing : Series.Empty;
            var kept = Kept(result);
            var recent = Trim(series.Recent.Add(kept), Capacity);
            var failures = IsFailure(result) ? Trim(series.Failures.Add(kept), FailureCapacity) : series.Failures;
            builder[key] = new Series(recent, failures);
        }

        return new(Capacity, FailureCapacity, builder.ToImmutable());
    }

    /// <summary>The last results of a series, oldest first.</summary>
    public IReadOnlyList<ProbeResult> Recent(ProbeSeriesKey key) => _series.TryGetValue(key, out var s) ? s.Recent : [];

    /// <summary>The last failures of a series, oldest first, kept when later probes pass.</summary>
    public IReadOnlyList<ProbeResult> Failures(ProbeSeriesKey key) => _series.TryGetValue(key, out var s) ? s.Failures : [];

    public ProbeResult? LastFailure(ProbeSeriesKey key) => Failures(key) is { Count: > 0 } f ? f[^1] : null;

    /// <summary>A failure is a probe that ran and did not succeed (a probe not run is not the system's fault).</summary>
    public static bool IsFailure(ProbeResult result) => !result.Success && result.Reason != ProbeFailureReason.NotRun;

    /// <summary>
    /// What a past probe keeps: when, the answer's status and size, the failure reason and detail, timings and trace id
    /// (what the report shows of it). The transcript, body excerpt, headers and model list stay with the cycle that
    /// produced them: at 3,000 probes and 20 results each they would hold hundreds of MiB.
    /// </summary>
    internal static ProbeResult Kept(ProbeResult result) =>
        result.Transcript.Length == 0 && result.BodyExcerpt.Length == 0 && result.Headers.Count == 0 && result.ModelIds.Count == 0
            ? result
            : result with { Transcript = "", BodyExcerpt = "", Headers = NoHeaders, ModelIds = [] };

    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>(StringComparer.Ordinal);

    private static ImmutableArray<ProbeResult> Trim(ImmutableArray<ProbeResult> items, int capacity) =>
        items.Length <= capacity ? items : items.RemoveRange(0, items.Length - capacity);

    private sealed record Series(ImmutableArray<ProbeResult> Recent, ImmutableArray<ProbeResult> Failures)
    {
        public static Series Empty { get; } = new([], []);
    }

    private sealed class KeyOrder : IComparer<ProbeSeriesKey>
    {
        public static KeyOrder Instance { get; } = new();

        public int Compare(ProbeSeriesKey x, ProbeSeriesKey y)
        {
            var c = string.CompareOrdinal(x.Gateway, y.Gateway);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.ApiPrefix, y.ApiPrefix);
            }

            return c != 0 ? c : x.Kind.CompareTo(y.Kind);
        }
    }
}
