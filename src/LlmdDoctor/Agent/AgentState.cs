using System.Buffers;
using System.Text;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Agent;

/// <summary>What the agent serves: the JSON, text and Markdown report and the <c>/metrics</c> page.</summary>
public enum ServedPage
{
    Json,
    Text,
    Markdown,
    Metrics,
}

/// <summary>What the agent serves: the last complete cycle and the counters; safe to read from request threads.</summary>
/// <param name="render">
/// Renders one page of a cycle (null before the first); tests count the calls. Default: <see cref="Render"/>.
/// </param>
public sealed class AgentState(Func<CycleResult?, AgentCounters, ServedPage, ReadOnlySequence<byte>>? render = null)
{
    private readonly Func<CycleResult?, AgentCounters, ServedPage, ReadOnlySequence<byte>> _render = render ?? Render;
    private Pages? _pages;

    /// <summary>
    /// The pages of one cycle. Everything on them changes only when a cycle completes, so each is rendered at most once
    /// per cycle, by the first request that wants it, and every later request gets the same bytes: a hundred clients
    /// on a report of thousands of findings cost one rendering, not a hundred.
    /// </summary>
    private sealed class Pages
    {
        private readonly Lazy<ReadOnlySequence<byte>>[] _pages;

        public Pages(CycleResult? cycle, AgentCounters counters, Func<CycleResult?, AgentCounters, ServedPage, ReadOnlySequence<byte>> render)
        {
            Cycle = cycle;

            // ExecutionAndPublication: requests racing for a page not rendered yet wait for the one rendering it.
            _pages = [.. Enum.GetValues<ServedPage>().Select(page =>
                new Lazy<ReadOnlySequence<byte>>(() => render(cycle, counters, page), LazyThreadSafetyMode.ExecutionAndPublication))];
        }

        public CycleResult? Cycle { get; }

        public ReadOnlySequence<byte> this[ServedPage page] => _pages[(int)page].Value;
    }

    public CycleResult? Last => Volatile.Read(ref _pages)?.Cycle;

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

        // The cycle and its pages are published as one reference: a request never pairs a report with another cycle's page.
        Volatile.Write(ref _pages, new Pages(result, Counters, _render));
        LastError = null;
    }

    /// <summary>
    /// One page of the last complete cycle, rendered once per cycle (see <see cref="Pages"/>). The reports need a
    /// cycle: null before the first one completes. <c>/metrics</c> is always served (empty families before it).
    /// </summary>
    public ReadOnlySequence<byte>? Page(ServedPage page)
    {
        var pages = Volatile.Read(ref _pages);
        if (pages is null)
        {
            if (page != ServedPage.Metrics)
            {
                return null;
            }

            pages = new Pages(null, Counters, _render);
            Interlocked.CompareExchange(ref _pages, pages, null);
            pages = Volatile.Read(ref _pages)!;
        }

        return pages.Cycle is null && page != ServedPage.Metrics ? null : pages[page];
    }

    public void Fail(string error) => LastError = error;

    /// <summary>The pages as the agent renders them: the report in each format, the metrics page in exposition format 0.0.4.</summary>
    public static ReadOnlySequence<byte> Render(CycleResult? cycle, AgentCounters counters, ServedPage page) => page switch
    {
        ServedPage.Metrics => DoctorMetrics.Render(cycle, counters, AgentHost.Version, AgentHost.Revision),
        _ when cycle is null => ReadOnlySequence<byte>.Empty,
        ServedPage.Json => Utf8(ReportJson.Serialize(cycle.Report) + "\n"),
        ServedPage.Text => Utf8(TextReportRenderer.Render(cycle.Report)),
        ServedPage.Markdown => Utf8(MarkdownReportRenderer.Render(cycle.Report)),
        _ => throw new ArgumentOutOfRangeException(nameof(page)),
    };

    private static ReadOnlySequence<byte> Utf8(string text) => new(Encoding.UTF8.GetBytes(text));
}
