using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Agent;

/// <summary>
/// Runs a cycle every interval (with up to 10 % jitter so replicas and restarts do not align). Each cycle has a
/// deadline (<see cref="CycleDeadline"/>): a cycle that outlives it is cut, recorded as failed with the reason, and
/// the next one starts on schedule, so a stalled peer never silences the agent.
/// </summary>
public sealed partial class AgentLoop(
    DoctorConfig config, ReportPolicy policy, IInputSource source, AgentState state, TimeProvider time, ILogger logger,
    Kubernetes.LeaseElector? elector = null, TimeSpan? cycleDeadline = null)
{
    private readonly FindingTracker _tracker = new();
    private readonly TimeSpan _cycleDeadline = cycleDeadline ?? CycleDeadline(config.Interval);

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
            deadline.CancelAfter(_cycleDeadline);
            try
            {
                var result = await cycle.RunAsync(source, CheckRegistry.All, deadline.Token).ConfigureAwait(false);
                state.Complete(result);
                LogCycle(logger, result.Duration.TotalMilliseconds, result.Report.Summary.Critical, result.Report.Summary.Warning, result.Report.Summary.Info);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // Every collector honours the token (HTTP bodies included), so the cut cycle has ended when we get here.
                var reason = $"the cycle did not finish within its {_cycleDeadline.TotalSeconds:0.#} s deadline (collecting from {source.Kind} {source.Name} stalled); cut and retried next interval";
                state.Fail(KnownCredentials.Scrub(reason));
                LogCycleFailed(logger, "deadline", KnownCredentials.Scrub(reason));
            }
            catch (Exception ex)
            {
                // The message may quote a peer's answer (a Status message, an error body) that echoes a credential.
                var reason = KnownCredentials.Scrub(ex.Message);
                state.Fail(reason);
                LogCycleFailed(logger, ex.GetType().Name, reason);
            }

            var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * config.Interval.TotalMilliseconds * 0.1);
            await DelayAsync(config.Interval + jitter, cancellation).ConfigureAwait(false);
        }
    }

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
