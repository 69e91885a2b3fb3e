using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

/// <summary>Every answer shape of gateway, EPP and vLLM, probed for real over loopback and diagnosed by the probe checks.</summary>
[Collection(GatewayCollection.Name)]
public class ScenarioTests(TestGateway gateway)
{
    private static readonly ProbeSettings Settings = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static TheoryData<string, string[]> Rows => new()
    {
        { "healthy", [] },
        { "bodyloss-flat", ["LLMD0401", "LLMD0401"] },
        { "bodyloss-nested", ["LLMD0401", "LLMD0401"] },
        { "model-mismatch", ["LLMD0402", "LLMD0402"] },
        { "auth", ["LLMD0403"] },
        { "epp-badrequest", ["LLMD0404", "LLMD0404"] },
        { "shed", ["LLMD0405", "LLMD0405"] },
        { "nocandidates", ["LLMD0406", "LLMD0406"] },
        { "nopods", ["LLMD0406", "LLMD0406"] },
        { "nohealthy", ["LLMD0406", "LLMD0406", "LLMD0406"] },
        { "bypass", ["LLMD0407", "LLMD0407"] },
        { "emptylist", ["LLMD0408"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_scenario_is_diagnosed_with_its_codes(string scenario, string[] codes)
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe($"/{scenario}", gateway.HttpUrl), Settings);

        var findings = ProbeRun.Check(probes);

        Assert.Equal(3, probes.Results.Count);
        Assert.All(probes.Results, r => Assert.NotEqual(ProbeFailureReason.NotRun, r.Reason));
        Assert.True(codes.SequenceEqual(findings.Select(f => f.Code).Order(StringComparer.Ordinal)),
            $"{scenario}: [{string.Join("; ", findings.Select(f => $"{f.Code} {f.Message}"))}]");
    }

    [Fact]
    public async Task The_seed_bug_reads_as_the_report_promises()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/bodyloss-flat", gateway.HttpUrl), Settings);

        var finding = ProbeRun.Check(probes).First(f => f.Evidence["probe"] == "chat");

        Assert.Equal("POST /bodyloss-flat/v1/chat/completions answered 400 'Field required' while GET /bodyloss-flat/v1/models answered 200: the request body did not reach the model",
            finding.Message);
        Assert.Equal("llm.bodyloss-flat-kserve-route.1", finding.Evidence["route"]);
        Assert.Equal([new FlowProbeSummary("models", 200, probes.Results[0].Timings.TotalMilliseconds)],
            probes.ForFlow("openshift-ingress/maas-gateway", "llm/bodyloss-flat-kserve-route", 2));
    }

    [Fact]
    public async Task A_model_override_is_asked_for_even_when_unlisted_and_a_404_then_is_a_probe_failure()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/healthy", gateway.HttpUrl), Settings with { ModelOverride = "not-served" });

        var findings = ProbeRun.Check(probes);

        Assert.All(probes.Results.Skip(1), r => Assert.Equal(("not-served", ModelSource.Override), (r.Model, r.ModelSource)));
        Assert.Equal(["LLMD0404", "LLMD0404"], findings.Select(f => f.Code));
        Assert.All(findings, f => Assert.Equal("model not served", f.Evidence["reason"]));
    }

    [Fact]
    public async Task Without_any_model_id_the_POSTs_are_not_run_and_only_the_list_failure_is_reported()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/nohealthy", gateway.HttpUrl, model: null), Settings);

        var findings = ProbeRun.Check(probes);

        Assert.Equal([ProbeFailureReason.HttpError, ProbeFailureReason.NotRun, ProbeFailureReason.NotRun], probes.Results.Select(r => r.Reason));
        Assert.Equal(("LLMD0406", "models"), (Assert.Single(findings).Code, findings[0].Evidence["probe"]));
        Assert.Single(probes.MetricSamples());
    }

    [Fact]
    public async Task The_direct_probe_of_the_model_Service_puts_the_fault_on_the_gateway_path()
    {
        var settings = Settings with { ProbeModelServicesDirectly = true };
        var group = Assert.Single(ProbePlanner.Build(TestFlows.KServe("/nohealthy", gateway.HttpUrl), settings).Groups);
        group = group with { Direct = group.Direct! with { Url = $"{gateway.HttpUrl}/healthy/v1/models" } };
        using var prober = new GatewayProber(settings);

        var probes = new ProbeResults { Results = await prober.RunGroupAsync(group) };

        var direct = probes.Results.Single(r => r.Target.Kind == ProbeKind.Direct);
        Assert.True(direct.Success, direct.Transcript);
        var models = ProbeRun.Check(probes).Single(f => f.Evidence["probe"] == "models");
        Assert.Equal("LLMD0406", models.Code);
        Assert.Contains("the model Service answers directly (200", models.Evidence["detail"], StringComparison.Ordinal);
        Assert.Contains(probes.MetricSamples(), s => s.Probe == "direct" && s.Namespace == "llm" && s.Success == 1);
    }

    [Fact]
    public async Task Slow_probes_are_reported_above_the_threshold()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/slow", gateway.HttpUrl), Settings);

        var findings = ProbeRun.Check(probes, new CheckSettings { SlowProbeThreshold = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(["LLMD0409", "LLMD0409", "LLMD0409"], findings.Select(f => f.Code));
        Assert.All(findings, f => Assert.StartsWith("processing", f.Evidence["slowestPhase"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_healthy_probe_measures_its_phases_and_keeps_only_path_headers()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/healthy", gateway.HttpUrl), Settings);

        var chat = probes.Results.Single(r => r.Target.Kind == ProbeKind.Chat);
        Assert.True(chat.Success, chat.Transcript);
        Assert.Equal((TestGateway.Model, ModelSource.ModelList), (chat.Model, chat.ModelSource));
        Assert.True(chat.Timings.Connect > TimeSpan.Zero && chat.Timings.Processing > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, chat.Timings.Tls);
        Assert.True(chat.Timings.Total >= chat.Timings.Connect + chat.Timings.Processing);
        Assert.Equal("true", chat.Header("x-went-into-resp-headers"));
        Assert.Equal("istio-envoy", chat.Header("server"));
        Assert.DoesNotContain("set-cookie", chat.Headers.Keys);
        Assert.Contains("> POST http://127.0.0.1", chat.Transcript, StringComparison.Ordinal);
        Assert.Contains("< HTTP/1.1 200 OK", chat.Transcript, StringComparison.Ordinal);
        Assert.Equal([TestGateway.Model], probes.Results[0].ModelIds);
    }

    [Fact]
    public async Task Every_POST_asks_for_exactly_one_token_and_every_request_carries_a_traceparent()
    {
        var probes = await ProbeRun.ProbeAsync(TestFlows.KServe("/healthy", gateway.HttpUrl, model: null), Settings);

        var seen = gateway.SeenBy("healthy");
        var posts = seen.Where(r => r.Method == "POST").ToList();
        Assert.Contains(posts, p => p.Body == """{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"user","content":"ping"}],"max_tokens":1,"stream":false}""");
        Assert.Contains(posts, p => p.Body == """{"model":"Qwen/Qwen3-0.6B","prompt":"ping","max_tokens":1,"stream":false}""");
        Assert.All(posts, p => Assert.Equal(1, System.Text.Json.JsonDocument.Parse(p.Body).RootElement.GetProperty("max_tokens").GetInt32()));
        Assert.All(seen, r => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", r.Headers["traceparent"]));
        Assert.All(probes.Results, r => Assert.Contains(seen, s => s.Headers["traceparent"].Contains(r.TraceId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_tracing_on_each_probe_is_a_span_and_its_traceparent_is_that_span()
    {
        var spans = new List<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == Core.Telemetry.DoctorActivity.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        await ProbeRun.ProbeAsync(TestFlows.KServe("/traced", gateway.HttpUrl, model: null), Settings);

        var seen = gateway.SeenBy("traced");
        Assert.NotEmpty(seen);
        lock (spans)
        {
            foreach (var request in seen)
            {
                var parts = request.Headers["traceparent"].Split('-');
                Assert.Contains(spans, a => a.TraceId.ToHexString() == parts[1] && a.SpanId.ToHexString() == parts[2] && a.DisplayName.StartsWith("probe ", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Probes_in_flight_stay_within_the_concurrency_limit()
    {
        var flows = Enumerable.Range(1, 4).SelectMany(i => TestFlows.KServe($"/slow/g{i}", gateway.HttpUrl)).ToList();
        gateway.ResetInFlight();

        var probes = await ProbeRun.ProbeAsync(flows, Settings with { MaxConcurrency = 2 });

        Assert.Equal(12, probes.Results.Count);
        Assert.All(probes.Results, r => Assert.True(r.Success, r.Transcript));
        Assert.InRange(gateway.MaxInFlight, 1, 2);
    }
}
