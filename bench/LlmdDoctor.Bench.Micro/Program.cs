using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Core.Reporting;

// bench/run.sh: dotnet run -c Release -- --bundle DIR --artifacts DIR
var bundle = args.SkipWhile(a => a != "--bundle").Skip(1).FirstOrDefault() ?? throw new ArgumentException("--bundle DIR");
var artifacts = args.SkipWhile(a => a != "--artifacts").Skip(1).FirstOrDefault() ?? "BenchmarkDotNet.Artifacts";
Environment.SetEnvironmentVariable("BENCH_BUNDLE", Path.GetFullPath(bundle));
var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15))
    .AddExporter(JsonExporter.Full)
    .WithArtifactsPath(artifacts);
BenchmarkRunner.Run<LlmdDoctor.Bench.Micro.MetricsRenderBench>(config);
BenchmarkRunner.Run<LlmdDoctor.Bench.Micro.ReportServingBench>(config);
return 0;

namespace LlmdDoctor.Bench.Micro
{
    /// <summary>
    /// /report of 5,000 findings, per request: rendered anew (what the agent did before issue 16 item 8) against the
    /// bytes rendered once per cycle (AgentState.Page). The unit test asserts the rendering count and a memory bound;
    /// the time and bytes allocated per request are measured here.
    /// </summary>
    [MemoryDiagnoser]
    public class ReportServingBench
    {
        private CycleResult _cycle = null!;
        private AgentState _state = null!;

        [Params(5000)]
        public int Findings { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var findings = Enumerable.Range(0, Findings)
                .Select(i => Core.Findings.FindingCatalog.SourceUnavailable.At(Core.Findings.Subject.Source($"Kubernetes API GET https://api/api/v1/namespaces/ns-{i % 97}/pods/pod-{i}"),
                    ("source", $"pod-{i}"), ("reason", $"no answer within 30 s (request {i})"), ("checks", "envoy.ExtProcBodyLoss, gateway.Ready")))
                .ToList();
            var run = new CheckRun(findings, [], []);
            var report = new ReportBuilder { Source = new ReportSource { Kind = "cluster", Name = "bench" }, GeneratedAt = DateTimeOffset.UnixEpoch }.Build(run, []);
            _cycle = new CycleResult(new DoctorInputs(), run, report, TimeSpan.FromSeconds(1), DateTimeOffset.UnixEpoch);
            _state = new AgentState();
            _state.Complete(_cycle);
            _ = _state.Page(ServedPage.Json);
        }

        [Benchmark(Baseline = true)]
        public int RenderedPerRequest() => Encoding.UTF8.GetBytes(ReportJson.Serialize(_cycle.Report) + "\n").Length;

        [Benchmark]
        public long ServedFromTheCycle() => _state.Page(ServedPage.Json)!.Value.Length;
    }

    /// <summary>
    /// /metrics for 1,000 model routes: the seed scenario's cycle (its findings, flows and Envoy data) plus probe
    /// results of 1,000 routes (GET /v1/models and POST chat each, all six phases), rendered by DoctorMetrics.Render.
    /// </summary>
    [MemoryDiagnoser]
    public class MetricsRenderBench
    {
        private CycleResult _cycle = null!;
        private AgentCounters _counters = null!;

        [Params(1000)]
        public int Routes { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            var bundle = Environment.GetEnvironmentVariable("BENCH_BUNDLE")!;
            var seed = new BundleSource(bundle).CollectAsync(CancellationToken.None).GetAwaiter().GetResult();
            var now = DateTimeOffset.UtcNow;
            var results = new List<ProbeResult>();
            for (var i = 0; i < Routes; i++)
            {
                foreach (var kind in new[] { ProbeKind.Models, ProbeKind.Chat })
                {
                    var path = $"/ns-{i}/model-{i}" + (kind == ProbeKind.Models ? "/v1/models" : "/v1/chat/completions");
                    results.Add(new ProbeResult
                    {
                        Target = new ProbeTarget
                        {
                            Kind = kind,
                            Method = kind == ProbeKind.Models ? "GET" : "POST",
                            Url = $"http://gw-{i / 10}.apps.example.com{path}",
                            Path = path,
                            GatewayNamespace = "openshift-ingress",
                            GatewayName = $"gw-{i / 10}",
                            RouteNamespace = $"ns-{i}",
                            RouteName = $"model-{i}-kserve-route",
                            RuleIndex = kind == ProbeKind.Models ? 2 : 1,
                            ApiPrefix = $"/ns-{i}/model-{i}",
                            ViaInferencePool = kind == ProbeKind.Chat,
                            ExpectedModel = $"model-{i}",
                        },
                        StartedAt = now,
                        Status = 200,
                        Answer = kind == ProbeKind.Models ? ProbeAnswer.ModelList : ProbeAnswer.Completion,
                        Model = kind == ProbeKind.Chat ? $"model-{i}" : null,
                        ModelIds = kind == ProbeKind.Models ? [$"model-{i}"] : [],
                        Timings = new ProbeTimings(TimeSpan.Zero, TimeSpan.FromMilliseconds(0.4), TimeSpan.Zero,
                            TimeSpan.FromMilliseconds(48 + (i % 7)), TimeSpan.FromMilliseconds(0.2), TimeSpan.FromMilliseconds(49 + (i % 7))),
                    });
                }
            }

            var inputs = new DoctorInputs
            {
                Cluster = seed.Cluster,
                Envoy = seed.Envoy,
                Probes = new ProbeResults { CollectedAt = now, Results = results },
                EndpointPickers = seed.EndpointPickers,
                Monitoring = seed.Monitoring,
                Settings = seed.Settings,
                States = new Dictionary<CheckInput, InputState>(seed.States) { [CheckInput.Probes] = InputState.Available("synthetic") },
            };
            // The seed's cycle (its findings and report), serving the inputs with the 1,000 routes' probe results: the
            // synthetic gateways are not in the seed's cluster, so running the checks on them would add findings
            // about that mismatch, not about a healthy 1,000-route cluster.
            _cycle = new DoctorCycle(new DoctorConfig(), ReportPolicy.None, TimeProvider.System)
                .RunAsync(new FixedSource(seed), CheckRegistry.All, CancellationToken.None).GetAwaiter().GetResult() with { Inputs = inputs };
            _counters = new AgentCounters();
            _counters.Record(_cycle.Run);
            var page = Encoding.UTF8.GetString(Render());
            var series = page.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "llmd-bench-metrics-shape.txt"),
                $"{series} {page.Length} {_cycle.Report.Findings.Count}\n");
            Console.WriteLine($"// /metrics for {Routes} routes: {series} series, {page.Length} bytes, {_cycle.Report.Findings.Count} findings");
        }

        [Benchmark]
        public System.Buffers.ReadOnlySequence<byte> Render() => DoctorMetrics.Render(_cycle, _counters, "bench", "bench");
    }

    internal sealed class FixedSource(DoctorInputs inputs) : IInputSource
    {
        public string Kind => "bundle";
        public string Name => "seed-rhoai+1000-routes";
        public Task<DoctorInputs> CollectAsync(CancellationToken cancellation) => Task.FromResult(inputs);
    }
}
