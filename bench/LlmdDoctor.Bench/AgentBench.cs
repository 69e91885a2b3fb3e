using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Bench;

/// <summary>
/// The footprint measurement: a running agent (bench/footprint.sh starts `llmd-doctor serve` against a simulated
/// cluster in another process) is watched through its /metrics until N cycles completed, then its memory and CPU are
/// read from /proc.
/// </summary>
public static class AgentBench
{
    /// <summary>Waits for N complete cycles of a running agent, then reads its memory and CPU from /proc.</summary>
    public static async Task<int> MeasureAsync(Args args)
    {
        var pid = args.Int("pid", 0);
        var url = args.Str("url").TrimEnd('/');
        var cycles = args.Int("cycles", 10);
        using var http = new HttpClient();
        var start = Stopwatch.StartNew();
        var cpuStart = Proc.CpuSeconds(pid);
        double cpuAtFirst = 0, firstAt = 0;
        long count = 0;
        while (count < cycles)
        {
            await Task.Delay(1000);
            count = await CyclesAsync(http, url);
            if (count >= 1 && firstAt == 0)
            {
                (cpuAtFirst, firstAt) = (Proc.CpuSeconds(pid), start.Elapsed.TotalSeconds);
            }

            if (start.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"only {count} cycles after 5 minutes");
            }
        }

        var steadyCores = (Proc.CpuSeconds(pid) - cpuAtFirst) / (start.Elapsed.TotalSeconds - firstAt);
        var rss = Proc.StatusBytes(pid, "VmRSS");
        var hwm = Proc.StatusBytes(pid, "VmHWM");
        var anon = Proc.StatusBytes(pid, "RssAnon");
        var file = Proc.StatusBytes(pid, "RssFile");
        var shmem = Proc.StatusBytes(pid, "RssShmem");
        var metrics = await http.GetStringAsync($"{url}/metrics");
        var cycleSeconds = Value(metrics, "llmd_doctor_cycle_duration_seconds");

        // Between cycles: right after cycle N completes, nothing runs until the next one (interval minus the cycle).
        var idleWindow = 3.0;
        var last = count;
        while (await CyclesAsync(http, url) == last)
        {
            await Task.Delay(100);
        }

        var idleCpu0 = Proc.CpuSeconds(pid);
        await Task.Delay(TimeSpan.FromSeconds(idleWindow));
        var idleCores = (Proc.CpuSeconds(pid) - idleCpu0) / idleWindow;

        Output.Write(args.Str("out"), new JsonObject
        {
            ["cycles"] = count,
            ["rss_bytes"] = rss,
            ["peak_rss_bytes"] = hwm,
            ["rss_anon_bytes"] = anon,
            ["rss_file_bytes"] = file,
            ["rss_shmem_bytes"] = shmem,
            ["last_cycle_seconds"] = cycleSeconds,
            ["avg_cores_over_cycles"] = Math.Round(steadyCores, 4),
            ["idle_cores_between_cycles"] = Math.Round(idleCores, 4),
            ["idle_window_seconds"] = idleWindow,
            ["cpu_seconds_total"] = Math.Round(Proc.CpuSeconds(pid) - cpuStart, 2),
            ["metrics_bytes"] = metrics.Length,
            ["measured_at"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["loadavg"] = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)),
        });
        Console.Error.WriteLine($"after {count} cycles: rss {rss / 1048576.0:0.0} MiB (peak {hwm / 1048576.0:0.0}), idle {idleCores:0.000} cores");
        return 0;
    }

    private static async Task<long> CyclesAsync(HttpClient http, string url)
    {
        try
        {
            return (long)Value(await http.GetStringAsync($"{url}/metrics"), "llmd_doctor_cycles_total");
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private static double Value(string metrics, string name)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
