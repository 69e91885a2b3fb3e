using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Trace;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using LlmdDoctor.Trace;

namespace LlmdDoctor.Tests.Trace;

/// <summary>
/// <c>trace</c> against the live simulator, as the agent runs it in the cluster (the Endpoint Pickers reachable by their
/// Service names, here mapped to the simulator's listeners): each flow names the hop where the request breaks.
/// </summary>
public sealed class TraceEndToEndTests
{
    private const string Chat = "/my-first-model/qwen3-0-6b/v1/chat/completions";

    private static Task<RequestTrace> TraceAsync(SimulatedCluster cluster, TraceRequestSpec spec) => TraceAsync(cluster, spec, fromLaptop: false);

    /// <summary>
    /// A trace as the agent runs it (Service names mapped to the simulator's listeners) or, <paramref name="fromLaptop"/>,
    /// as a user runs it with a kubeconfig: no Service name resolves, the Endpoint Picker is reached through pods/portforward.
    /// </summary>
    private static async Task<RequestTrace> TraceAsync(SimulatedCluster cluster, TraceRequestSpec spec, bool fromLaptop)
    {
        var work = Directory.CreateTempSubdirectory("llmd-trace-");
        try
        {
            var config = DemoCommand.ConfigFor(cluster, DoctorConfigLoader.Load("", "(defaults)"), work.FullName);
            var connection = Kubeconfig.Parse(await File.ReadAllTextAsync(cluster.KubeconfigPath), cluster.KubeconfigPath).Connection(null);
            var tracer = fromLaptop
                ? new RequestTracer(connection, config, new ServiceAddresses(), inCluster: false)
                : new RequestTracer(connection, config, new ServiceAddresses(cluster.ServiceAddresses));
            return await tracer.RunAsync(spec, CancellationToken.None);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static TraceRequestSpec Spec(string gateway, string? model = null, string? path = null, string? body = null) =>
        TraceRequestSpec.Parse(gateway, model, path, null, body is null ? null : "body.json", [],
            _ => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body!)));

    private static TraceHop Hop(RequestTrace trace, string id) => trace.Hops.Single(h => h.Id == id);

    private static string Show(RequestTrace trace) => TraceTextRenderer.Render(trace, colour: false);

    [Fact]
    public async Task Seed_maas_gateway_breaks_at_the_gateway_to_EPP_hop_and_shows_vLLMs_400()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/maas-gateway", model: "Qwen/Qwen3-0.6B"));

        Assert.True(trace.FirstBroken?.Id == "gateway-epp", Show(trace));
        Assert.Equal("LLMD0204", trace.FirstBroken!.Code);
        Assert.Contains(trace.FirstBroken.Evidence, e => e.StartsWith("during this request:", StringComparison.Ordinal) && e.Contains("ssl.fail_verify_error=1", StringComparison.Ordinal));
        Assert.Equal((HopVerdict.Ok, "my-first-model.maas-model-route.1"), (Hop(trace, "route").Verdict, Hop(trace, "route").Summary.Split(' ')[2]));
        Assert.Equal(("LLMD0301", HopVerdict.Warn), (Hop(trace, "ext_proc").Code, Hop(trace, "ext_proc").Verdict));
        Assert.Equal(HopVerdict.Ok, Hop(trace, "epp").Verdict);
        Assert.Equal(HopVerdict.Ok, Hop(trace, "pod").Verdict);
        var model = Hop(trace, "model");
        Assert.Equal((HopVerdict.Broken, "LLMD0401"), (model.Verdict, model.Code));
        Assert.StartsWith("answered 400", model.Summary, StringComparison.Ordinal);
        // Outside the agent the link is the relative runbook file (issue 17 item 6), as for check and analyze.
        Assert.Equal("runbooks/LLMD0204.md", trace.FirstBroken.RunbookUrl);
    }

    [Fact]
    public async Task Seed_maas_gateway_trace_reads_as_its_golden_text_with_timings_masked()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/maas-gateway", model: "Qwen/Qwen3-0.6B"), fromLaptop: true);

        Core.Tests.GoldenFile.Verify("trace-seed-maas-gateway.txt", Masked(Show(trace)));
    }

    /// <summary>What differs from run to run: durations (with their column padding), the simulator's listener ports, the W3C trace id.</summary>
    private static string Masked(string text)
    {
        text = System.Text.RegularExpressions.Regex.Replace(text, @" +\d+(\.\d+)? ms\b", " N ms");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"x-envoy-upstream-service-time: \d+", "x-envoy-upstream-service-time: N");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"(HTTPS?):\d+ hostname", "$1:PORT hostname");
        return System.Text.RegularExpressions.Regex.Replace(text, @"trace id [0-9a-f]{32}", "trace id TRACE-ID");
    }

    [Fact]
    public async Task Seed_openshift_ai_inference_answers_200_with_the_EPP_bypassed()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", path: Chat));

        Assert.True(trace.FirstBroken?.Id == "gateway-epp", Show(trace));
        Assert.Equal(("LLMD0306", HopVerdict.Warn), (Hop(trace, "ext_proc").Code, Hop(trace, "ext_proc").Verdict));
        var model = Hop(trace, "model");
        Assert.Equal((HopVerdict.Warn, "LLMD0407"), (model.Verdict, model.Code));
        Assert.StartsWith("answered 200", model.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthy_flow_passes_every_hop_and_names_the_picked_pod()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("healthy"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", model: "Qwen/Qwen3-0.6B"));

        Assert.True(trace.FirstBroken is null, Show(trace));
        Assert.All(trace.Hops, h => Assert.True(h.Verdict == HopVerdict.Ok, $"{h.Id}: {h.Verdict} {h.Summary}"));
        Assert.StartsWith("picks ", Hop(trace, "epp").Summary, StringComparison.Ordinal);
        Assert.Contains(trace.Phases, p => p.Name == "ext_proc conversation with the Endpoint Picker");
        Assert.Contains(Hop(trace, "gateway-epp").Evidence, e => e.StartsWith("during this request:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task From_a_laptop_the_EPP_is_asked_through_port_forward_and_names_the_picked_pod()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("healthy"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", model: "Qwen/Qwen3-0.6B"), fromLaptop: true);

        Assert.True(trace.FirstBroken is null, Show(trace));
        var epp = Hop(trace, "epp");
        Assert.Equal(HopVerdict.Ok, epp.Verdict);
        Assert.Matches(@"^picks \S+ \(pod [a-z0-9-]+/[a-z0-9-]+\)$", epp.Summary);
        Assert.Contains(epp.Evidence, e => e.Contains("(pods/portforward; Service ", StringComparison.Ordinal));
        var pod = Hop(trace, "pod");
        Assert.Equal(HopVerdict.Ok, pod.Verdict);
        Assert.Contains(epp.Summary[(epp.Summary.IndexOf("(pod ", StringComparison.Ordinal) + 5)..^1], pod.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_a_laptop_a_denied_port_forward_skips_the_EPP_hop_with_that_reason()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("healthy"));
        var allowed = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", model: "Qwen/Qwen3-0.6B"), fromLaptop: true);
        Assert.Equal(HopVerdict.Ok, Hop(allowed, "epp").Verdict);
        // An InferencePool's Endpoint Picker is a Service of the pool's namespace, the picked pod's.
        var eppNamespace = Hop(allowed, "pod").Summary.Split(' ')[1].Split('/')[0];
        cluster.DenyPortForward(eppNamespace);

        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", model: "Qwen/Qwen3-0.6B"), fromLaptop: true);
        var epp = Hop(trace, "epp");
        Assert.True(epp.Verdict == HopVerdict.Skipped, Show(trace));
        Assert.Contains("pods/portforward from outside the cluster, which is denied", epp.Summary, StringComparison.Ordinal);
        Assert.Contains("403 Forbidden", epp.Summary, StringComparison.Ordinal);
        Assert.Contains("kubectl exec", epp.Summary, StringComparison.Ordinal);
        Assert.Equal(HopVerdict.Skipped, Hop(trace, "pod").Verdict);
        Assert.Null(trace.FirstBroken);
    }

    [Fact]
    public async Task A_model_name_the_server_does_not_serve_breaks_at_the_model_hop()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("healthy"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", path: Chat,
            body: """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""));

        Assert.True(trace.FirstBroken?.Id == "model", Show(trace));
        Assert.Equal("LLMD0402", trace.FirstBroken!.Code);
        Assert.StartsWith("answered 404", trace.FirstBroken.Summary, StringComparison.Ordinal);
        Assert.Equal("no-such-model", trace.Request.Model);
    }

    [Fact]
    public async Task An_unroutable_path_breaks_at_the_route_hop_and_nothing_after_it_runs()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("healthy"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", path: "/no-such-model/v1/chat/completions"));

        Assert.True(trace.FirstBroken?.Id == "route", Show(trace));
        Assert.Null(trace.FirstBroken!.Code);
        Assert.Contains("404", trace.FirstBroken.Summary, StringComparison.Ordinal);
        Assert.All(trace.Hops.SkipWhile(h => h.Id != "ext_proc"), h => Assert.Equal(HopVerdict.Skipped, h.Verdict));
        Assert.Contains("answered 404", Hop(trace, "model").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_EPP_without_a_ready_pod_breaks_at_the_EPP_hop_with_its_503()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("epp-no-ready-pods"));
        var trace = await TraceAsync(cluster, Spec("openshift-ingress/openshift-ai-inference", model: "Qwen/Qwen3-0.6B"));

        Assert.True(trace.FirstBroken?.Id == "epp", Show(trace));
        Assert.Equal("LLMD0406", trace.FirstBroken!.Code);
        Assert.StartsWith("answers 503", trace.FirstBroken.Summary, StringComparison.Ordinal);
        Assert.Equal(HopVerdict.Ok, Hop(trace, "gateway-epp").Verdict);
        Assert.Equal(HopVerdict.Skipped, Hop(trace, "pod").Verdict);
        Assert.Equal((HopVerdict.Broken, "LLMD0406"), (Hop(trace, "model").Verdict, Hop(trace, "model").Code));
    }
}
