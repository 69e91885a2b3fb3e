using System.Diagnostics;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>Samples the process's memory while a fault runs: a huge answer must not become a huge process.</summary>
public static class Memory
{
    /// <summary>Runs <paramref name="work"/> and asserts the working set never grew more than <paramref name="maxGrowthMegabytes"/> above where it started.</summary>
    public static async Task<T> BoundedAsync<T>(Func<Task<T>> work, int maxGrowthMegabytes)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(25, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        try
        {
            return await work();
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
            var growth = (peak - baseline) / (1024 * 1024);
            Assert.True(growth <= maxGrowthMegabytes, $"the working set grew by {growth} MiB (limit {maxGrowthMegabytes} MiB)");
        }
    }
}
