using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator.Gateway;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>
/// Issue 15, "done when": in the seed cluster, the EPP trust fix (a DestinationRule for the EPP Service with tls SIMPLE +
/// insecureSkipVerify in the gateway's namespace) puts the EPP in the loop on maas-gateway, and the seed's BUFFERED
/// EnvoyFilter on openshift-ai-inference then stalls every POST until message_timeout — as Envoy does in front of a
/// GIE ≥ v0.4 Endpoint Picker (domain-facts §9). Each test starts its own cluster: they change it.
/// </summary>
public sealed class ExtProcFidelityTests
{
    private const string Prefix = "/my-first-model/qwen3-0-6b";
    private const string EppHost = "qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";
    private const string ExtProcStats = "http.outbound_0.0.0.0_443.ext_proc.";

    private const string TrustEpp = ExtProcFidelityTestsYaml.TrustEpp;

    /// <summary>
    /// Test-only: shortens the base ext_proc filter's message_timeout on openshift-ai-inference (Istio: 1000 s) through
    /// the effective config, as an HTTP_FILTER MERGE would on a real gateway; the behaviour stays Envoy's.
    /// </summary>
    private static string ShortMessageTimeout(string gateway, string timeout, bool? failureModeAllow = null) => ExtProcFidelityTestsYaml.ShortMessageTimeout(gateway, timeout, failureModeAllow);

    [Fact]
    public async Task Trusting_the_epp_puts_it_in_the_loop_on_maas_gateway_and_buffered_openshift_ai_inference_stalls_until_message_timeout()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        using var http = Clients.Trusting(cluster.CaFile);
        var maas = cluster.Gateways.Single(g => g.Name == "maas-gateway");
        var buffered = cluster.Gateways.Single(g => g.Name == "openshift-ai-inference");

        Assert.Equal(["DestinationRule openshift-ingress/qwen3-0-6b-epp-insecure-tls"], cluster.Apply(TrustEpp));
        cluster.Apply(ShortMessageTimeout("openshift-ai-inference", "2s"));

        // maas-gateway: FULL_DUPLEX_STREAMED with the EPP reachable → 200, the EPP picked the pod and saw the response.
        foreach (var (path, body) in new[] { ("/v1/chat/completions", Clients.Chat), ("/v1/completions", """{"model":"Qwen/Qwen3-0.6B","prompt":"hi","max_tokens":2}""") })
        {
            using var response = await http.PostAsync(new Uri(Address(cluster, "maas-gateway"), Prefix + path), Clients.Json(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-went-into-resp-headers")));
        }

        Assert.Equal(2, maas.Log.Count(l => l.Contains("EPP picked 10.", StringComparison.Ordinal)));
        Assert.Equal(0, maas.Counters.Refused($"outbound|9002||{EppHost}"));
        Assert.Equal(0, maas.Counters.Counted(ExtProcStats + "streams_failed"));
        Assert.True(maas.Counters.Counted(ExtProcStats + "stream_msgs_received") >= 4, "headers answer, body answer and response headers answer per request");

        // openshift-ai-inference: BUFFERED holds the body until the headers answer, which GIE only gives after the body.
        var clock = Stopwatch.StartNew();
        using (var stalled = await http.PostAsync(new Uri(Address(cluster, "openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat)))
        {
            clock.Stop();
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"answered after {clock.Elapsed}, before message_timeout");
            // Fail-open after the timeout: Envoy's buffered copy goes to a pool pod the EPP did not pick.
            Assert.Equal(HttpStatusCode.OK, stalled.StatusCode);
            Assert.False(stalled.Headers.Contains("x-went-into-resp-headers"));
        }

        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "message_timeouts"));
        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "failure_mode_allowed"));
        Assert.Equal(0, buffered.Counters.Counted(ExtProcStats + "streams_failed"));
        Assert.Equal(0, buffered.Counters.Counted(ExtProcStats + "stream_msgs_received"));
        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "stream_msgs_sent")); // the headers; the body is held
        Assert.Contains(buffered.Log, l => l.Contains("message timeout", StringComparison.Ordinal) && l.Contains("body kept", StringComparison.Ordinal));

        // A GET has no body: the headers end the stream, GIE answers them at once, nothing stalls.
        var get = Stopwatch.StartNew();
        using var models = await http.GetAsync(new Uri(Address(cluster, "openshift-ai-inference"), Prefix + "/v1/models"));
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.True(get.Elapsed < TimeSpan.FromSeconds(1.5), $"GET took {get.Elapsed}");
    }

    [Fact]
    public async Task Without_the_trust_fix_the_seed_fails_fast_and_counts_failed_streams_not_timeouts()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        using var http = Clients.Trusting(cluster.CaFile);
        var buffered = cluster.Gateways.Single(g => g.Name == "openshift-ai-inference");

        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri(Address(cluster, "openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"a refused handshake does not wait for message_timeout: {clock.Elapsed}");
        Assert.Equal(0, buffered.Counters.Counted(ExtProcStats + "message_timeouts"));
        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "streams_failed"));
        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "failure_mode_allowed"));
        Assert.Equal(1, buffered.Counters.Refused($"outbound|9002||{EppHost}"));
    }

    [Fact]
    public async Task Fail_closed_buffered_route_answers_504_after_message_timeout()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        using var http = Clients.Trusting(cluster.CaFile);
        cluster.Apply(TrustEpp);
        // The seed's EnvoyFilter sets the route's failure_mode_allow, which Envoy 1.34 ignores; the filter's counts.
        cluster.Apply(ShortMessageTimeout("openshift-ai-inference", "1s", failureModeAllow: false));

        using var response = await http.PostAsync(new Uri(Address(cluster, "openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var buffered = cluster.Gateways.Single(g => g.Name == "openshift-ai-inference");
        Assert.Equal(1, buffered.Counters.Counted(ExtProcStats + "message_timeouts"));
        Assert.Equal(0, buffered.Counters.Counted(ExtProcStats + "failure_mode_allowed"));
    }

    [Fact]
    public async Task Admin_stats_show_the_ext_proc_counters_under_envoy_s_names()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        using var http = Clients.Trusting(cluster.CaFile);
        cluster.Apply(TrustEpp);
        cluster.Apply(ShortMessageTimeout("openshift-ai-inference", "1s"));
        using (await http.PostAsync(new Uri(Address(cluster, "openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat)))
        {
        }

        using var kube = new KubeClient(Kubeconfig.Load(name => name == "KUBECONFIG" ? cluster.KubeconfigPath : null).Connection());
        using var stats = await kube.PortForwardGetAsync("openshift-ingress", "openshift-ai-inference-openshift-ai-inference-6f9c7d8b54-k2x7q", 15000, "/stats");
        var lines = (await new StreamReader(stats.Body).ReadToEndAsync()).Split('\n');
        long Stat(string name) => long.Parse(lines.Single(l => l.StartsWith(ExtProcStats + name + ": ", StringComparison.Ordinal)).Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(1, Stat("message_timeouts")); // the bundle's 0 plus this request
        Assert.Equal(58, Stat("streams_started"));
        Assert.Equal(58, Stat("failure_mode_allowed"));
        Assert.Equal(57, Stat("streams_failed"));
        Assert.DoesNotContain(lines, l => l.Contains("streams_msgs", StringComparison.Ordinal));
    }

    private static Uri Address(SimulatedCluster cluster, string gateway) => cluster.GatewayAddresses[$"openshift-ingress/{gateway}"][0];
}

/// <summary>Istio's DestinationRule selection for a proxy (push_context.go destinationRule @1.27.0).</summary>
public sealed class DestinationRuleLookupTests
{
    private const string Host = "epp.models.svc.cluster.local";

    private static JsonObject Rule(string ns, string name, string host, string? tls, string[]? exportTo = null, string created = "2025-01-01T00:00:00Z") =>
        (JsonObject)JsonNode.Parse(new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "DestinationRule",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = created },
            ["spec"] = new JsonObject
            {
                ["host"] = host,
                ["exportTo"] = exportTo is null ? null : new JsonArray([.. exportTo.Select(e => (JsonNode)e)]),
                ["trafficPolicy"] = tls switch
                {
                    null => null,
                    "skip" => new JsonObject { ["tls"] = new JsonObject { ["mode"] = "SIMPLE", ["insecureSkipVerify"] = true } },
                    _ => new JsonObject { ["tls"] = new JsonObject { ["mode"] = tls } },
                },
            },
        }.ToJsonString())!;

    public static TheoryData<string, JsonObject[], string?> Cases => new()
    {
        // expect nothing: no rule anywhere, a rule for another host, a rule hidden from the proxy's namespace
        { "no rule", [], null },
        { "other host", [Rule("models", "other", "x.models.svc.cluster.local", "skip")], null },
        { "private to its namespace", [Rule("models", "private", Host, "skip", ["."])], null },
        { "exported elsewhere", [Rule("models", "elsewhere", Host, "skip", ["team-a"])], null },
        { "not exported", [Rule("models", "none", Host, "skip", ["~"])], null },
        // proxy namespace first, whatever exportTo says
        { "proxy namespace wins", [Rule("models", "svc-ns", Host, "SIMPLE"), Rule("gw", "local", Host, "skip", ["."])], "local" },
        { "service namespace when the proxy's has none", [Rule("models", "svc-ns", Host, "SIMPLE"), Rule("istio-system", "root", Host, "skip")], "svc-ns" },
        { "root namespace last", [Rule("istio-system", "root", "*.svc.cluster.local", "skip")], "root" },
        { "exported to the proxy's namespace by name", [Rule("models", "named", Host, "skip", ["gw"])], "named" },
        { "short host is relative to the rule's namespace", [Rule("models", "short", "epp", "skip")], "short" },
        { "exact beats wildcard", [Rule("gw", "wild", "*.models.svc.cluster.local", "SIMPLE"), Rule("gw", "exact", Host, "skip")], "exact" },
        { "oldest of two for one host", [Rule("gw", "newer", Host, "SIMPLE", created: "2025-02-01T00:00:00Z"), Rule("gw", "older", Host, "skip")], "older" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Picks_the_rule_istio_would(string why, JsonObject[] rules, string? expected)
    {
        Assert.True(expected == (string?)IstioDestinationRules.For(rules, "gw", Host)?["metadata"]?["name"], why);
    }

    [Theory]
    [InlineData("skip", true)]
    [InlineData("SIMPLE", false)]
    [InlineData("ISTIO_MUTUAL", false)]
    [InlineData(null, null)]
    public void Only_simple_with_insecure_skip_verify_trusts_a_self_signed_epp(string? tls, bool? trusted)
    {
        Assert.Equal(trusted, IstioDestinationRules.TrustsSelfSigned(Rule("gw", "r", Host, tls)));
    }
}

/// <summary>The admin <c>/stats</c> text with the counts of the running simulator added.</summary>
public sealed class GatewayCounterTests
{
    private const string Bundle = """
        http.hcm.downstream_rq_total: 3
        http.hcm.ext_proc.failure_mode_allowed: 2
        http.hcm.ext_proc.streams_started: 2
        zz.last: 1
        http.hcm.downstream_rq_time: P0(nan,0)

        """;

    [Fact]
    public void Nothing_counted_leaves_the_bundle_s_text_as_it_is()
    {
        Assert.Equal(Bundle, System.Text.Encoding.UTF8.GetString(new EndpointPickerCounters().Stats(System.Text.Encoding.UTF8.GetBytes(Bundle))));
    }

    [Fact]
    public void Counts_add_to_listed_counters_and_unlisted_ones_are_inserted_in_name_order()
    {
        var counters = new EndpointPickerCounters();
        counters.Count("http.hcm.ext_proc.streams_started");
        counters.Count("http.hcm.ext_proc.message_timeouts");
        counters.Count("http.hcm.ext_proc.message_timeouts");

        var lines = System.Text.Encoding.UTF8.GetString(counters.Stats(System.Text.Encoding.UTF8.GetBytes(Bundle))).Split('\n');

        Assert.Equal(
            ["http.hcm.downstream_rq_total: 3", "http.hcm.ext_proc.failure_mode_allowed: 2", "http.hcm.ext_proc.message_timeouts: 2",
             "http.hcm.ext_proc.streams_started: 3", "zz.last: 1", "http.hcm.downstream_rq_time: P0(nan,0)", ""],
            lines);
    }
}

/// <summary>Endpoint Picker generations and options, as scenario switches (behaviour.endpointPickers).</summary>
public sealed class EndpointPickerGenerationTests
{
    private const string Picker = "my-first-model/qwen3-0-6b-epp-service";

    private static async Task<SimulatedCluster> SeedWithAsync(string pickerJson)
    {
        var seed = ScenarioCatalog.Load("seed-rhoai");
        var spec = JsonNode.Parse("""
            {"description": "seed with another EPP",
             "behaviour": {"gateways": {"openshift-ingress/openshift-ai-inference": {"eppTls": "untrusted"}, "openshift-ingress/maas-gateway": {"eppTls": "untrusted"}},
                           "endpointPickers": {"PICKER": SETTINGS},
                           "models": {"my-first-model/qwen3-0-6b": {"vllmErrorShape": "flat", "servedModelName": "Qwen/Qwen3-0.6B", "readyPods": 1}},
                           "metrics": {"prefix": "kserve_vllm"}}}
            """.Replace("PICKER", Picker, StringComparison.Ordinal).Replace("SETTINGS", pickerJson, StringComparison.Ordinal))!.AsObject();
        return await SimulatedCluster.StartAsync(new Scenario("seed-variant", spec, seed.Objects, seed.BundleFiles));
    }

    [Fact]
    public async Task A_gie_v0_3_picker_answers_headers_at_once_so_buffered_works_with_the_epp_in_the_loop()
    {
        await using var cluster = await SeedWithAsync("""{"gie": "v0.3.0"}""");
        cluster.Apply(ExtProcFidelityTestsYaml.TrustEpp);
        using var http = Clients.Trusting(cluster.CaFile);

        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri(cluster.GatewayAddresses["openshift-ingress/openshift-ai-inference"][0], "/my-first-model/qwen3-0-6b/v1/chat/completions"), Clients.Json(Clients.Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
        var gateway = cluster.Gateways.Single(g => g.Name == "openshift-ai-inference");
        Assert.Contains(gateway.Log, l => l.Contains("BUFFERED", StringComparison.Ordinal) && l.Contains("EPP picked 10.", StringComparison.Ordinal));
        Assert.Equal(0, gateway.Counters.Counted("http.outbound_0.0.0.0_443.ext_proc.message_timeouts"));
    }

    [Theory]
    [InlineData("false", "nope", true)]
    [InlineData("true", "nope", false)]
    [InlineData("true", "readiness", true)]
    [InlineData("true", "", true)]
    public async Task Health_answers_as_gie_with_and_without_leader_election(string leaderElection, string service, bool serving)
    {
        await using var cluster = await SeedWithAsync($$"""{"leaderElection": {{leaderElection}}}""");
        using var connection = new LlmdDoctor.Envoy.Grpc.GrpcConnection(new LlmdDoctor.Envoy.Grpc.GrpcConnectionOptions
        {
            Address = cluster.ServiceAddresses["qwen3-0-6b-epp-service.my-first-model.svc.cluster.local:9003"],
        });

        var result = await new LlmdDoctor.Envoy.Grpc.GrpcHealthClient(connection).CheckAsync(service, TimeSpan.FromSeconds(5));

        Assert.Equal(serving, result.IsServing);
        if (!serving)
        {
            Assert.Equal(LlmdDoctor.Envoy.Grpc.GrpcServingStatus.ServiceUnknown, result.ServingStatus);
        }
    }
}

internal static class ExtProcFidelityTestsYaml
{
    private const string EppHost = "qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    /// <summary>What GIE's guide and `fix --gateway` print for Istio (networking.istio.io/v1).</summary>
    public const string TrustEpp = $"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: qwen3-0-6b-epp-insecure-tls
          namespace: openshift-ingress
        spec:
          host: {EppHost}
          trafficPolicy:
            tls:
              mode: SIMPLE
              insecureSkipVerify: true
        """;

    public static string ShortMessageTimeout(string gateway, string timeout, bool? failureModeAllow = null) => ClusterChanges.MessageTimeout(gateway, timeout, failureModeAllow);
}

/// <summary>Where the EPP's ports answer: the pod always listens on GIE's defaults, the Service only forwards what it lists.</summary>
public sealed class EndpointPickerPortTests
{
    private const string Service = "qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    [Fact]
    public async Task Health_is_on_the_pod_and_on_the_service_only_when_the_service_lists_9003()
    {
        var seed = ScenarioCatalog.Load("seed-rhoai");
        // GIE's Helm chart Service: grpc-ext-proc 9002 and http-metrics 9090, no health port.
        var objects = seed.Objects.Select(o => (JsonObject)o.DeepClone()).ToList();
        var epp = objects.Single(o => (string?)o["kind"] == "Service" && (string?)o["metadata"]?["name"] == "qwen3-0-6b-epp-service");
        var ports = (JsonArray)epp["spec"]!["ports"]!;
        foreach (var health in ports.Where(p => (int?)p!["port"] == 9003).ToList())
        {
            ports.Remove(health);
        }

        var spec = JsonNode.Parse("""{"description": "seed with GIE's Helm EPP Service"}""")!.AsObject();
        await using var helm = await SimulatedCluster.StartAsync(new Scenario("seed-helm-epp-service", spec, objects, seed.BundleFiles));
        await using var kserve = await SimulatedCluster.StartAsync(seed);
        var podIp = (string)objects.Single(o => (string?)o["kind"] == "Pod" && ((string?)o["metadata"]?["name"])?.Contains("scheduler", StringComparison.Ordinal) == true)["status"]!["podIP"]!;

        Assert.False(helm.ServiceAddresses.ContainsKey($"{Service}:9003"));
        Assert.True(helm.ServiceAddresses.ContainsKey($"{Service}:9002"));
        Assert.True(helm.ServiceAddresses.ContainsKey($"{podIp}:9003"));
        Assert.True(kserve.ServiceAddresses.ContainsKey($"{Service}:9003"));
        Assert.Equal(kserve.ServiceAddresses[$"{podIp}:9003"], kserve.ServiceAddresses[$"{Service}:9003"]);
    }
}
