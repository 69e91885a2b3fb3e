using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Reporting;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Agent;

/// <summary>Runs a cycle every interval (with up to 10 % jitter so replicas and restarts do not align).</summary>
public sealed partial class AgentLoop(
    DoctorConfig config, ReportPolicy policy, IInputSource source, AgentState state, TimeProvider time, ILogger logger)
{
    private readonly FindingTracker _tracker = new();

    public async Task RunAsync(CancellationToken cancellation)
    {
        var cycle = new DoctorCycle(config, policy, time, _tracker);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                var result = await cycle.RunAsync(source, CheckRegistry.All, cancellation).ConfigureAwait(false);
                state.Complete(result);
                LogCycle(logger, result.Duration.TotalMilliseconds, result.Report.Summary.Critical, result.Report.Summary.Warning, result.Report.Summary.Info);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                state.Fail(ex.Message);
                LogCycleFailed(logger, ex.GetType().Name, ex.Message);
            }

            var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * config.Interval.TotalMilliseconds * 0.1);
            try
            {
                await Task.Delay(config.Interval + jitter, time, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "cycle complete in {Milliseconds} ms: {Critical} critical, {Warning} warning, {Info} info")]
    private static partial void LogCycle(ILogger logger, double milliseconds, int critical, int warning, int info);

    [LoggerMessage(Level = LogLevel.Error, Message = "cycle failed ({Kind}): {Reason}")]
    private static partial void LogCycleFailed(ILogger logger, string kind, string reason);
}
