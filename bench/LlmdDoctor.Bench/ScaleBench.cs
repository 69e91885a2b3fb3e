using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Probes;

namespace LlmdDoctor.Bench;

/// <summary>
/// Scale, probe phase: G gateways (one loopback port each) × M model routes, every answer delayed 50 ms. The plan
/// has the shape ProbePlanner gives a KServe LLMInferenceService route (per gateway × model: GET /v1/models, then
/// POST /v1/chat/completions), run by the doctor's GatewayProber with the agent's settings (8 in flight). Measures
/// each cycle's wall time, CPU and the process's peak RSS, then the CPU of the idle process between cycles.
/// </summary>
public static class ScaleBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var ports = VllmServer.ReadPorts(args.Str("port-file"));
        var gateways = args.Int("gateways", 100);
        var models = args.Int("models", 10);
        var cycles = args.Int("cycles", 5);
        var idle = args.Int("idle-seconds", 20);
        if (ports.Count < gateways)
        {
            throw new ArgumentException($"{ports.Count} server ports for {gateways} gateways");
        }

        var settings = DoctorSettings.Probes(new DoctorConfig(), new Dictionary<string, ProbeCredential>(), inCluster: false);
        var groups = new List<ProbeGroup>();
        for (var g = 0; g < gateways; g++)
        {
            var baseUrl = $"http://127.0.0.1:{ports[g]}";
            for (var m = 0; m < models; m++)
            {
                var prefix = $"/ns-{g}-{m}/model-{m}";
                groups.Add(new ProbeGroup
                {
                    GatewayKey = $"gateways/gw-{g}",
                    BaseUrl = baseUrl,
                    ApiPrefix = prefix,
                    Options = GatewayProbeOptions.Default,
                    ClusterModel = VllmServer.ModelId,
                    Models = ProbeOverhead.Target(ProbeKind.Models, "GET", baseUrl, prefix, "gateways", $"gw-{g}"),
                    Inferences = [ProbeOverhead.Target(ProbeKind.Chat, "POST", baseUrl, prefix, "gateways", $"gw-{g}")],
                });
            }
        }

        var plan = new ProbePlan(groups, []);
        var probes = plan.Targets.Count();
        var history = ProbeHistory.Create(20, 20);
        var results = new List<JsonObject>();
        var start = Stopwatch.StartNew();
        for (var c = 0; c < cycles; c++)
        {
            var cpu0 = Proc.CpuSeconds(Proc.Self);
            var watch = Stopwatch.StartNew();
            using var prober = new GatewayProber(settings);
            var run = await prober.RunAsync(plan, history);
            history = run.History;
            var wall = watch.Elapsed.TotalSeconds;
            var cpu = Proc.CpuSeconds(Proc.Self) - cpu0;
            var failed = run.Results.Count(r => !r.Success);
            if (failed > 0)
            {
                var first = run.Results.First(r => !r.Success);
                throw new InvalidOperationException($"{failed} probes failed, e.g. {first.Target.Url}: {first.Reason} {first.Detail}");
            }

            results.Add(new JsonObject
            {
                ["cycle"] = c + 1,
                ["wall_s"] = Math.Round(wall, 3),
                ["cpu_s"] = Math.Round(cpu, 2),
                ["avg_cores"] = Math.Round(cpu / wall, 3),
                ["probes"] = run.Results.Count,
                ["median_probe_ms"] = Math.Round(Stats.Median(run.Results.Select(r => r.Timings.Total.TotalMilliseconds)), 1),
                ["rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmRSS"),
                ["peak_rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmHWM"),
            });
            Console.Error.WriteLine($"cycle {c + 1}: {run.Results.Count} probes in {wall:0.00} s, cpu {cpu:0.00} s, rss {Proc.StatusBytes(Proc.Self, "VmRSS") / 1048576.0:0} MiB");
        }

        // Between cycles: the prober holds its history and results, nothing runs.
        var idleCpu0 = Proc.CpuSeconds(Proc.Self);
        var idleWatch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idle));
        var idleCores = (Proc.CpuSeconds(Proc.Self) - idleCpu0) / idleWatch.Elapsed.TotalSeconds;

        var warm = results.Skip(1).ToList();
        Output.Write(args.Str("out"), new JsonObject
        {
            ["gateways"] = gateways,
            ["models_per_gateway"] = models,
            ["probes_per_cycle"] = probes,
            ["delay_ms"] = args.Int("delay-ms", 50),
            ["concurrency"] = settings.MaxConcurrency,
            ["first_cycle"] = results[0].DeepClone(),
            ["median_wall_s"] = Stats.Median(warm.Select(r => (double)r["wall_s"]!)),
            ["median_cpu_s"] = Stats.Median(warm.Select(r => (double)r["cpu_s"]!)),
            ["median_avg_cores"] = Stats.Median(warm.Select(r => (double)r["avg_cores"]!)),
            ["peak_rss_bytes"] = Proc.StatusBytes(Proc.Self, "VmHWM"),
            ["idle_seconds"] = idle,
            ["idle_cores"] = Math.Round(idleCores, 4),
            ["cycles"] = new JsonArray([.. results]),
        });
        return 0;
    }
}
