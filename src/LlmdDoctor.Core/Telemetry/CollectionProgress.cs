using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlmdDoctor.Core.Telemetry;

/// <summary>A part of a collection that was still running when its cycle was cut, and for how long it had run.</summary>
public sealed record StalledPhase(string What, TimeSpan Waited);

/// <summary>
/// What a collection is waiting on right now: a tree of phases (the Kubernetes lists, the Envoy dumps, the probes,
/// the Prometheus queries) entered with <see cref="Enter"/> by whatever code does the waiting. The agent starts one per
/// cycle; when the cycle's deadline cuts it, <see cref="Waiting"/> names the innermost phases still running, which is
/// what stalled. The tracking flows with the async context, so code called outside a tracked cycle (the CLI, tests)
/// pays nothing and needs no parameter.
/// </summary>
public sealed class CollectionProgress
{
    private static readonly AsyncLocal<Phase?> Current = new();
    private readonly ConcurrentDictionary<Phase, byte> _running = new();

    /// <summary>Most phases named when a cycle is cut; the rest are counted.</summary>
    public const int MaxNamed = 10;

    private CollectionProgress()
    {
    }

    internal sealed class Phase(CollectionProgress owner, Phase? parent, string what)
    {
        private int _children;

        public CollectionProgress Owner { get; } = owner;
        public Phase? Parent { get; } = parent;
        public string What { get; } = what;
        public long Started { get; } = Stopwatch.GetTimestamp();
        public bool HasRunningChildren => Volatile.Read(ref _children) > 0;

        public void ChildEntered() => Interlocked.Increment(ref _children);

        public void ChildLeft() => Interlocked.Decrement(ref _children);
    }

    /// <summary>The end of a phase: restores the phase it was entered from.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Phase? _phase;

        internal Scope(Phase? phase) => _phase = phase;

        public void Dispose()
        {
            if (_phase is null)
            {
                return;
            }

            _phase.Owner._running.TryRemove(_phase, out _);
            _phase.Parent?.ChildLeft();
            Current.Value = _phase.Parent;
        }
    }

    /// <summary>
    /// Starts tracking the calling async flow (everything it awaits from now on, until it returns). The phases of an
    /// earlier tracking in the same flow are left behind.
    /// </summary>
    public static CollectionProgress Track()
    {
        var progress = new CollectionProgress();
        Current.Value = new Phase(progress, null, "cycle");
        return progress;
    }

    /// <summary>
    /// Marks the caller as waiting on <paramref name="what"/> until the scope is disposed (<c>using var _ = …</c>). A
    /// no-op outside a tracked flow. <paramref name="what"/> is shown to users: name the kind, URL or pod, never a credential.
    /// </summary>
    public static Scope Enter(string what)
    {
        if (Current.Value is not { } parent)
        {
            return default;
        }

        var phase = new Phase(parent.Owner, parent, what);
        parent.Owner._running[phase] = 0;
        phase.Parent?.ChildEntered();
        Current.Value = phase;
        return new Scope(phase);
    }

    /// <summary>
    /// The innermost phases running now, longest-waiting first: a phase whose children are running is represented by
    /// them (the Prometheus query, not "monitoring"). At most <see cref="MaxNamed"/>.
    /// </summary>
    public IReadOnlyList<StalledPhase> Waiting()
    {
        var now = Stopwatch.GetTimestamp();
        return [.. _running.Keys
            .Where(p => !p.HasRunningChildren)
            .OrderBy(p => p.Started)
            .ThenBy(p => p.What, StringComparer.Ordinal)
            .Take(MaxNamed)
            .Select(p => new StalledPhase(p.What, Stopwatch.GetElapsedTime(p.Started, now)))];
    }

    /// <summary>How many innermost phases are running now (may exceed what <see cref="Waiting"/> names).</summary>
    public int WaitingCount => _running.Keys.Count(p => !p.HasRunningChildren);
}
