using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmdDoctor.Agent;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;

namespace LlmdDoctor.Bench;

/// <summary>
/// Scale: full doctor cycles (DoctorCycle over LiveClusterSource, every check, the report) against a simulated fleet
/// running in another process (<c>simulate --scenario scale-100x10 --latency-ms 50</c>): the Kubernetes API lists,
/// a config dump, stats and clusters per gateway through port-forward, the EPP conversations, Prometheus and Grafana,
/// and every probe the planner makes. Measures each cycle's wall time, the doctor's CPU and peak RSS, and the CPU of
/// the idle process between cycles.
/// </summary>
public static class ScaleBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var connection = await SimulatorBench.WaitForConnectionAsync(args.Str("connection"), TimeSpan.FromMinutes(5));
        var cycles = args.Int("cycles", 5);
        var idle = args.Int("idle-seconds", 15);
        var work = Directory.CreateTempSubdirectory("llmd-bench-scale-");
        try
        {
            var (config, live, scenario) = SimulatorBench.Open(connection, new DoctorConfig(), work.FullName);
            using var disposable = live;
            var source = new TimedSource(live);
            var cycle = new DoctorCycle(config, config.Policy([]), TimeProvider.System);
            var results = new List<JsonObject>();
            for (var c = 0; c < cycles; c++)
            {
                var cpu0 = Proc.CpuSeconds(Proc.Self);
                var watch = Stopwatch.StartNew();
                var result = await cycle.RunAsync(source, CheckRegistry.All, CancellationToken.None);
                var wall = watch.Elapsed.TotalSeconds;
                var cpu = Proc.CpuSeconds(Proc.Self) - cpu0;
                var probes = result.Inputs.Probes.Results;
                var failed = probes.Where(r => !r.Success).ToList();
                if (failed.Count > 0)
                {
                    throw new InvalidOperationException($"{failed.Count} of {probes.Count} probes failed, e.g. {failed[0].Target.Url}: {failed[0].Reason} {failed[0].Detail}");
                }

                var findings = result.Report.Findings.Select(f => $"{f.Code} {f.Subject.Kind} {f.Subject.Namespace}/{f.Subject.Name}").Distinct().ToList();
                results.Add(new JsonObject
                {
                    ["cycle"] = c + 1,
                    ["wall_s"] = Math.Round(wall, 3),
                    ["collect_s"] = Math.Round(source.LastCollect.TotalSeconds, 3),
                    ["cpu_s"] = Math.Round(cpu, 2),
                    ["avg_cores"] = Math.Round(cpu / wall, 3),
                    ["gateways"] = result.Inputs.Cluster.Gateways.Count,
                    ["envoy_dumps"] = result.Inputs.Envoy.Count(e => e.IsReadable),
                    ["routes"] = result.Inputs.Envoy.Sum(e => e.Routes.Count),
                    ["epp_observations"] = result.Inputs.EndpointPickers.Count,
                    ["probes"] = probes.Count,
                    ["median_probe_ms"] = Math.Round(Stats.Median(probes.Select(r => r.Timings.Total.TotalMilliseconds)), 1),
                    ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)f)]),
                    ["skipped_checks"] = result.Run.Outcomes.Count(o => o.Skipped),
                    ["rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmRSS"),
                    ["peak_rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmHWM"),
                });
                Console.Error.WriteLine($"cycle {c + 1}: {probes.Count} probes, {result.Inputs.Cluster.Gateways.Count} gateways, {findings.Count} findings in {wall:0.00} s "
                    + $"(collect {source.LastCollect.TotalSeconds:0.00} s), cpu {cpu:0.00} s, rss {Proc.StatusBytes(Proc.Self, "VmRSS") / 1048576.0:0} MiB");
            }

            // Between cycles: the agent holds the last result and its clients; nothing runs until the next cycle.
            var idleCpu0 = Proc.CpuSeconds(Proc.Self);
            var idleWatch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(idle));
            var idleCores = (Proc.CpuSeconds(Proc.Self) - idleCpu0) / idleWatch.Elapsed.TotalSeconds;

            var warm = results.Skip(1).DefaultIfEmpty(results[0]).ToList();
            Output.Write(args.Str("out"), new JsonObject
            {
                ["scenario"] = scenario,
                ["simulator_startup_s"] = connection["startup_seconds"]?.DeepClone(),
                ["latency_ms"] = args.Int("latency-ms", 50),
                ["concurrency"] = config.Probe.Concurrency,
                ["first_cycle"] = results[0].DeepClone(),
                ["median_wall_s"] = Stats.Median(warm.Select(r => (double)r["wall_s"]!)),
                ["median_collect_s"] = Stats.Median(warm.Select(r => (double)r["collect_s"]!)),
                ["median_cpu_s"] = Stats.Median(warm.Select(r => (double)r["cpu_s"]!)),
                ["median_avg_cores"] = Stats.Median(warm.Select(r => (double)r["avg_cores"]!)),
                ["peak_rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmHWM"),
                ["idle_seconds"] = idle,
                ["idle_cores"] = Math.Round(idleCores, 4),
                ["cycles"] = new JsonArray([.. results]),
            });
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Times the collection part of a cycle (the rest is the checks and the report).</summary>
    private sealed class TimedSource(IInputSource inner) : IInputSource
    {
        public TimeSpan LastCollect { get; private set; }

        public string Kind => inner.Kind;

        public string Name => inner.Name;

        public async Task<DoctorInputs> CollectAsync(CancellationToken cancellation)
        {
            var watch = Stopwatch.StartNew();
            var inputs = await inner.CollectAsync(cancellation);
            LastCollect = watch.Elapsed;
            return inputs;
        }
    }
}
