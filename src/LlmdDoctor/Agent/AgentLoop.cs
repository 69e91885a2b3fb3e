using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using LlmdDoctor.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Agent;

/// <summary>
/// Runs a cycle every interval (with up to 10 % jitter so replicas and restarts do not align). Each cycle has a
/// deadline (<c>limits.cycleDeadline</c>, default <see cref="CycleDeadline"/>): a cycle that outlives it is cut,
/// recorded as failed with what it was still waiting on, and the next one starts on schedule, so a stalled peer never
/// silences the agent; the next complete report names what stalled (LLMD0003).
/// </summary>
public sealed partial class AgentLoop(
    DoctorConfig config, ReportPolicy policy, IInputSource source, AgentState state, TimeProvider time, ILogger logger,
    Kubernetes.LeaseElector? elector = null, TimeSpan? cycleDeadline = null)
{
    private readonly FindingTracker _tracker = new();
    private CycleCut? _lastCut;
    private readonly TimeSpan _cycleDeadline = cycleDeadline ?? config.Limits.CycleDeadline ?? CycleDeadline(config.Interval);

    /// <summary>
    /// Twice the interval, at least 5 minutes: long enough for a large cluster's paged lists (each bounded by the
    /// Kubernetes request timeout) and every probe, short enough that a stall is noticed within a few intervals.
    /// </summary>
    public static TimeSpan CycleDeadline(TimeSpan interval) => interval * 2 > TimeSpan.FromMinutes(5) ? interval * 2 : TimeSpan.FromMinutes(5);

    public async Task RunAsync(CancellationToken cancellation)
    {
        var cycle = new DoctorCycle(config, policy, time, _tracker);
        while (!cancellation.IsCancellationRequested)
        {
            if (elector is not null && !await LeadAsync(cancellation).ConfigureAwait(false))
            {
                // A standby re-checks the Lease often enough to take over within one lease duration.
                await DelayAsync(TimeSpan.FromSeconds(Math.Min(10, config.Interval.TotalSeconds)), cancellation).ConfigureAwait(false);
                continue;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var progress = CollectionProgress.Track();
            CycleCut? cut = null;

            // What is still running is read when the deadline fires, before the cancellation unwinds it.
            using var timer = time.CreateTimer(_ =>
            {
                Volatile.Write(ref cut, new CycleCut(time.GetUtcNow(), _cycleDeadline, progress.Waiting(), progress.WaitingCount));
                deadline.Cancel();
            }, null, _cycleDeadline, Timeout.InfiniteTimeSpan);
            try
            {
                var result = await cycle.RunAsync(source, CheckRegistry.All, deadline.Token, _lastCut).ConfigureAwait(false);
                state.Complete(result);
                _lastCut = null;
                LogCycle(logger, result.Duration.TotalMilliseconds, result.Report.Summary.Critical, result.Report.Summary.Warning, result.Report.Summary.Info);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && Volatile.Read(ref cut) is { } c)
            {
                // Every collector honours the token (HTTP bodies included), so the cut cycle has ended when we get here.
                // The next complete report carries what stalled as LLMD0003 (DoctorCycle.Stalled).
                _lastCut = c;
                var reason = KnownCredentials.Scrub($"the cycle did not finish within its {c.Deadline.TotalSeconds:0.#} s deadline; still waiting on: "
                    + (c.Waiting.Count == 0 ? $"collecting from {source.Kind} {source.Name}" : string.Join("; ", c.Waiting.Select(w => w.What)))
                    + (c.WaitingCount > c.Waiting.Count ? $" and {c.WaitingCount - c.Waiting.Count} more" : "")
                    + "; cut, reported as LLMD0003 in the next report, retried next interval");
                state.Fail(reason);
                LogCycleFailed(logger, "deadline", reason);
            }
            catch (Exception ex)
            {
                // The message may quote a peer's answer (a Status message, an error body) that echoes a credential.
                var reason = KnownCredentials.Scrub(ex.Message);
                state.Fail(reason);
                LogCycleFailed(logger, ex.GetType().Name, reason);
            }

            ReturnCycleMemory();
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * config.Interval.TotalMilliseconds * 0.1);
            await DelayAsync(config.Interval + jitter, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Between cycles the agent keeps about 3.5 MB of live objects (a heap snapshot after 10 cycles of the seed cluster),
    /// but the GC keeps the regions a cycle filled committed until its next collection, which comes only with the next
    /// cycle's allocations. One compacting full collection in aggressive mode after each cycle hands them back for the
    /// idle interval: Native AOT `serve` 67–70 → 47 MiB RSS after 10 cycles, for about 30 ms CPU per cycle
    /// (bench/notes/footprint.md).
    /// </summary>
    private static void ReturnCycleMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>The Lease must outlive one interval plus its jitter, so a leader renewing once per cycle keeps it.</summary>
    public static TimeSpan LeaseDuration(TimeSpan interval) => interval * 2 + TimeSpan.FromSeconds(15);

    private async Task<bool> LeadAsync(CancellationToken cancellation)
    {
        var lease = await elector!.TryAcquireOrRenewAsync(cancellation).ConfigureAwait(false);
        if (lease.IsLeader)
        {
            state.Lead();
            return true;
        }

        if (lease.Problem is { } problem)
        {
            // Without a readable Lease no replica can know it is alone: probe rather than leave the cluster unwatched.
            LogLeaseProblem(logger, KnownCredentials.Scrub(problem));
            state.Lead();
            return true;
        }

        state.Standby(lease.Holder ?? "unknown");
        return false;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, time, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "leader election unavailable, probing anyway: {Problem}")]
    private static partial void LogLeaseProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "cycle complete in {Milliseconds} ms: {Critical} critical, {Warning} warning, {Info} info")]
    private static partial void LogCycle(ILogger logger, double milliseconds, int critical, int warning, int info);

    [LoggerMessage(Level = LogLevel.Error, Message = "cycle failed ({Kind}): {Reason}")]
    private static partial void LogCycleFailed(ILogger logger, string kind, string reason);
}
