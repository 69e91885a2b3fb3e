using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Tests.Cluster;

namespace LlmdDoctor.Core.Tests.Envoy;

/// <summary>One grid over the Envoy checks on typed views: each row changes one thing; healthy rows expect nothing.</summary>
public sealed class EnvoyChecksTests
{
    private const string Gw = "Gateway openshift-ingress/openshift-ai-inference";
    private const string R0 = "my-first-model.qwen3-0-6b-kserve-route.0";
    private const string R1 = "my-first-model.qwen3-0-6b-kserve-route.1";
    private const string Epp = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    private const string Fds = "FULL_DUPLEX_STREAMED";

    /// <summary>The openshift-ai-inference pod's Envoy view: routes .0/.1 with an ext_proc override, .2 without.</summary>
    internal static GatewayEnvoyData Pod(
        string body = "BUFFERED",
        string? envoy = "1.34.1",
        bool? routeFailOpen = null,
        bool trailers = false,
        int routes = 3,
        UpstreamClusterStats? stats = null,
        string? problem = null)
    {
        var trailer = trailers ? HeaderSendMode.Send : HeaderSendMode.Default;
        var mode = new ProcessingMode(HeaderSendMode.Send, HeaderSendMode.Send, SendModeNames.ParseBody(body), SendModeNames.ParseBody(body), trailer, trailer);
        var extProc = new ExtProcPerRoute(false, mode, Epp, routeFailOpen);
        EnvoyRoute[] all =
        [
            new("http.80", "*:80", R0, "prefix:/my-first-model/qwen3-0-6b/v1/completions", "outbound|54321||pool", extProc),
            new("http.80", "*:80", R1, "prefix:/my-first-model/qwen3-0-6b/v1/chat/completions", "outbound|54321||pool", extProc),
            new("http.80", "*:80", "my-first-model.qwen3-0-6b-kserve-route.2", "prefix:/my-first-model/qwen3-0-6b", "outbound|8000||svc", null),
        ];
        return new GatewayEnvoyData("openshift-ingress", "openshift-ai-inference", "openshift-ai-inference-abc")
        {
            Problem = problem,
            IstioVersion = "1.26.2-redhat",
            EnvoyVersion = IstioEnvoyVersions.Parse(envoy),
            EnvoyVersionSource = envoy is null ? "" : "bootstrap",
            ListenersDumped = true,
            ExtProcFilters = [GatewayEnvoyData.IstioInferencePoolFilter with { Listener = "0.0.0.0_443", RouteConfigName = "http.80" }],
            Routes = all[..routes],
            ClusterNames = [Epp],
            UpstreamStats = stats is null ? null : new Dictionary<string, UpstreamClusterStats> { [Epp] = stats },
        };
    }

    private static readonly UpstreamClusterStats TlsFailing = new(Epp) { ConnectionsTotal = 57, ConnectFailures = 57, TlsVerifyFailures = 57, TlsConnectionErrors = 0, HostConnectFailures = 57, Hosts = 1, HealthFlags = ["healthy"] };
    private static readonly UpstreamClusterStats Connected = new(Epp) { ConnectionsTotal = 9, ConnectFailures = 0, TlsVerifyFailures = 0, TlsConnectionErrors = 0, HostConnectFailures = 0, Hosts = 1, HealthFlags = ["healthy"] };

    private static readonly string CoveringFix = EnvoyFilterSelectionTests.Filter("openshift-ingress",
        $$$"""{"workloadSelector":{"labels":{"gateway.networking.k8s.io/gateway-name":"openshift-ai-inference"}},"configPatches":[{{{EnvoyFilterSelectionTests.RoutePatch}}}]}""");

    private static readonly string ElsewhereFix = EnvoyFilterSelectionTests.Filter("openshift-ingress",
        $$$"""{"workloadSelector":{"labels":{"gateway.networking.k8s.io/gateway-name":"maas-gateway"}},"configPatches":[{{{EnvoyFilterSelectionTests.RoutePatch}}}]}""");

    private static readonly string StaleFix = CoveringFix.Replace("kserve-route.1", "old-route.1", StringComparison.Ordinal);

    private const string EppPod = "qwen3-0-6b-kserve-router-scheduler-xyz";

    /// <summary>Gives the fixture's Endpoint Picker pod an image (and optionally <c>USE_STREAMING</c>).</summary>
    internal static Func<ClusterFixture, ClusterFixture> EppImage(string image, string? useStreaming = null) => f => f.Mutate("Pod", EppPod, o =>
    {
        var container = o["spec"]!["containers"]![0]!.AsObject();
        container["image"] = image;
        if (useStreaming is not null)
        {
            container["env"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "USE_STREAMING", ["value"] = useStreaming });
        }
    });

    private const string Scheduler = "registry.redhat.io/rhoai/odh-llm-d-inference-scheduler-rhel9@sha256:390fa135d2aac236fb85ae1155d1aa9fc8bfa7a861ec6b330576b5aa2e960b4b";
    private const string GieV1 = "registry.k8s.io/gateway-api-inference-extension/epp:v1.0.0";
    private const string GieV03 = "registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0";

    public static TheoryData<string, ICheck, Func<ClusterFixture, ClusterFixture>, GatewayEnvoyData[], string[]> Rows() => new()
    {
        // LLMD0306 BufferedOverrideStallsPicker
        { "BUFFERED in front of the llm-d scheduler", new BufferedOverrideStallsPickerCheck(), EppImage(Scheduler), [Pod()], [$"LLMD0306 {Gw} {R0}", $"LLMD0306 {Gw} {R1}"] },
        { "BUFFERED in front of GIE v1.0", new BufferedOverrideStallsPickerCheck(), EppImage(GieV1), [Pod()], [$"LLMD0306 {Gw} {R0}", $"LLMD0306 {Gw} {R1}"] },
        { "BUFFERED in front of GIE v0.3: what it expects", new BufferedOverrideStallsPickerCheck(), EppImage(GieV03), [Pod()], [] },
        { "BUFFERED in front of GIE v0.3 streaming", new BufferedOverrideStallsPickerCheck(), EppImage(GieV03, "true"), [Pod()], [$"LLMD0306 {Gw} {R0}", $"LLMD0306 {Gw} {R1}"] },
        { "GIE v0.3 with USE_STREAMING=false", new BufferedOverrideStallsPickerCheck(), EppImage(GieV03, "false"), [Pod()], [] },
        { "FULL_DUPLEX in front of GIE v1.0", new BufferedOverrideStallsPickerCheck(), EppImage(GieV1), [Pod(Fds, trailers: true)], [] },
        { "BUFFERED, EPP release unknown, no stalled probe", new BufferedOverrideStallsPickerCheck(), EppImage("quay.io/someone/picker@sha256:0123"), [Pod()], [] },
        { "BUFFERED, unreadable dump", new BufferedOverrideStallsPickerCheck(), EppImage(Scheduler), [Pod(problem: "truncated")], [] },

        // LLMD0301 ExtProcBodyLossRisk
        { "buffered routes", new ExtProcBodyLossRiskCheck(), f => f, [Pod()], [] },
        { "full duplex, fail-open, Envoy 1.34", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds)], [$"LLMD0301 {Gw} {R0}", $"LLMD0301 {Gw} {R1}"] },
        { "Envoy 1.34 ignores the route's FailClose", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds, routeFailOpen: false)], [$"LLMD0301 {Gw} {R0}", $"LLMD0301 {Gw} {R1}"] },
        { "Envoy 1.35 honours the route's FailClose", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds, "1.35.3", routeFailOpen: false)], [] },
        { "Envoy 1.36 keeps the body", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds, "1.36.2", trailers: true)], [] },
        { "version unknown counts as affected", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds, null)], [$"LLMD0301 {Gw} {R0}", $"LLMD0301 {Gw} {R1}"] },
        { "unreadable dump says nothing", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds, problem: "truncated")], [] },
        { "two pods report once", new ExtProcBodyLossRiskCheck(), f => f, [Pod(Fds), Pod(Fds) with { PodName = "second" }], [$"LLMD0301 {Gw} {R0}", $"LLMD0301 {Gw} {R1}"] },

        // LLMD0304 ExtProcTrailerModeMissing
        { "buffered needs no trailers", new ExtProcTrailerModeMissingCheck(), f => f, [Pod()], [] },
        { "Istio 1.28 sends trailers", new ExtProcTrailerModeMissingCheck(), f => f, [Pod(Fds, "1.36.2", trailers: true)], [] },
        { "full duplex without trailers", new ExtProcTrailerModeMissingCheck(), f => f, [Pod(Fds)], [$"LLMD0304 {Gw} {R0}", $"LLMD0304 {Gw} {R1}"] },

        // LLMD0801 KnownIssue
        { "no known issue when buffered", new ExtProcKnownIssueCheck(), f => f, [Pod()], [] },
        { "known issue on Envoy 1.34", new ExtProcKnownIssueCheck(), f => f, [Pod(Fds)], [$"LLMD0801 {Gw}"] },
        { "no version, no version rule", new ExtProcKnownIssueCheck(), f => f, [Pod(Fds, null)], [] },
        { "fixed Envoy", new ExtProcKnownIssueCheck(), f => f, [Pod(Fds, "1.36.0")], [] },

        // LLMD0305 EnvoyRouteNotProgrammed
        { "every accepted rule programmed", new EnvoyRouteNotProgrammedCheck(), f => f, [Pod()], [] },
        { "rule 2 missing", new EnvoyRouteNotProgrammedCheck(), f => f, [Pod(routes: 2)], [$"LLMD0305 {Gw} my-first-model.qwen3-0-6b-kserve-route.2"] },
        { "not accepted, so not expected", new EnvoyRouteNotProgrammedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => o["status"]!["parents"]![0]!["conditions"]![0]!["status"] = "False"), [Pod(routes: 2)], [] },
        { "no dump, no verdict", new EnvoyRouteNotProgrammedCheck(), f => f, [], [] },
        { "unreadable dump, no verdict", new EnvoyRouteNotProgrammedCheck(), f => f, [Pod(routes: 0, problem: "truncated")], [] },

        // LLMD0302 EnvoyFilterFixNotCovering
        { "no workaround anywhere", new EnvoyFilterFixNotCoveringCheck(), f => f, [Pod(Fds)], [] },
        { "workaround selects this gateway", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(CoveringFix), [Pod(Fds)], [] },
        { "workaround selects another gateway", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [Pod(Fds)], [$"LLMD0302 {Gw}"] },
        { "not covered but already buffered", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [Pod()], [] },
        { "not covered, no dump: Istio's default assumed", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [], [$"LLMD0302 {Gw}"] },
        { "not covered, full duplex fail-closed on Envoy 1.35: not at risk", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [Pod(Fds, "1.35.3", routeFailOpen: false)], [] },
        { "not covered, Envoy 1.36: not at risk", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [Pod(Fds, "1.36.2", trailers: true)], [] },
        { "not covered, no dump, Istio 1.28 ships Envoy 1.36: not at risk", new EnvoyFilterFixNotCoveringCheck(),
            f => f.Add(ElsewhereFix).Mutate("Istio", "default", o => o["spec"]!["version"] = "v1.28.1"), [], [] },
        { "not covered, unreadable dump: no verdict", new EnvoyFilterFixNotCoveringCheck(), f => f.Add(ElsewhereFix), [Pod(Fds, problem: "truncated")], [] },

        // LLMD0303 EnvoyFilterStaleRouteName
        { "patched route exists", new EnvoyFilterStaleRouteNameCheck(), f => f.Add(CoveringFix), [Pod()], [] },
        { "patched route is gone", new EnvoyFilterStaleRouteNameCheck(), f => f.Add(StaleFix), [Pod()], ["LLMD0303 EnvoyFilter openshift-ingress/fix my-first-model.qwen3-0-6b-old-route.1"] },
        { "filter for another gateway is not judged here", new EnvoyFilterStaleRouteNameCheck(), f => f.Add(ElsewhereFix.Replace("kserve-route.1", "old-route.1", StringComparison.Ordinal)), [Pod()], [] },

        // LLMD0204 EndpointPickerUnreachableFromGateway
        { "EPP cluster connects", new EndpointPickerUnreachableCheck(), f => f, [Pod(stats: Connected)], [] },
        { "no stats read", new EndpointPickerUnreachableCheck(), f => f, [Pod()], [] },
        { "TLS verify failures", new EndpointPickerUnreachableCheck(), f => f, [Pod(stats: TlsFailing)], [$"LLMD0204 {Gw} {R0}, {R1}"] },
        { "failures on an unreadable pod are not judged", new EndpointPickerUnreachableCheck(), f => f, [Pod(stats: TlsFailing, problem: "truncated")], [] },
        { "old failures, counters still since the previous cycle", new EndpointPickerUnreachableCheck(), f => f, [Pod(stats: TlsFailing with { Baseline = TlsFailing })], [] },
        { "failures grew since the previous cycle", new EndpointPickerUnreachableCheck(), f => f,
            [Pod(stats: TlsFailing with { Baseline = TlsFailing with { ConnectionsTotal = 50, ConnectFailures = 50, TlsVerifyFailures = 50, HostConnectFailures = 50 } })], [$"LLMD0204 {Gw} {R0}, {R1}"] },
        { "counters reset by a proxy restart, failing again", new EndpointPickerUnreachableCheck(), f => f,
            [Pod(stats: TlsFailing with { ConnectionsTotal = 3, ConnectFailures = 3, TlsVerifyFailures = 3, HostConnectFailures = 3, Baseline = TlsFailing })], [$"LLMD0204 {Gw} {R0}, {R1}"] },
        { "connects now, baseline had failures", new EndpointPickerUnreachableCheck(), f => f, [Pod(stats: Connected with { Baseline = TlsFailing })], [] },

        // LLMD0003 per gateway: unreadable admin data
        { "readable dump", new EnvoyAdminDataUnreadableCheck(), f => f, [Pod()], [] },
        { "truncated dump", new EnvoyAdminDataUnreadableCheck(), f => f, [Pod(problem: "config_dump.json: truncated at byte 42")], [$"LLMD0003 {Gw}"] },
        { "stats unreadable", new EnvoyAdminDataUnreadableCheck(), f => f, [Pod() with { StatsProblem = "stats.txt: permission denied" }], [$"LLMD0003 {Gw}"] },

        // LLMD0104 (info): a dump whose pod serves no Gateway of the inventory is said, and still analysed
        { "dump of a Gateway's pod", new EnvoyDumpWithoutGatewayCheck(), f => f, [Pod()], [] },
        { "dump of a pod no Gateway serves", new EnvoyDumpWithoutGatewayCheck(), f => f,
            [Pod() with { GatewayName = "waypoint-58f646c5ff-dbfkz", PodName = "waypoint-58f646c5ff-dbfkz" }], ["LLMD0104 Pod openshift-ingress/waypoint-58f646c5ff-dbfkz"] },
        { "unmapped dump beside a mapped one", new EnvoyDumpWithoutGatewayCheck(), f => f,
            [Pod(), Pod() with { GatewayNamespace = "default", GatewayName = "sidecar-1", PodName = "sidecar-1" }], ["LLMD0104 Pod default/sidecar-1"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Grid(string name, ICheck check, Func<ClusterFixture, ClusterFixture> arrange, GatewayEnvoyData[] envoy, string[] expected)
    {
        var fixture = arrange(new ClusterFixture());
        var inputs = fixture.Inputs();
        inputs = new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = envoy };
        var run = await new CheckRunner().RunAsync([check], inputs);
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0001");
        var actual = run.Findings.Select(f => $"{f.Code} {f.Subject.Kind} {f.Subject.Key}{(f.Evidence.TryGetValue("route", out var r) ? " " + r : "")}").Order(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual), $"{name}: got [{string.Join("; ", actual)}]");
    }

    [Fact]
    public async Task Unreadable_gateways_are_skip_reasons_never_healthy()
    {
        var inputs = new ClusterFixture().Inputs();
        inputs = new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = [Pod(Fds, problem: "truncated at byte 42")] };
        var run = await new CheckRunner().RunAsync(EnvoyChecks.All, inputs);
        var finding = Assert.Single(run.Findings);
        Assert.Equal("LLMD0003", finding.Code);
        Assert.Contains("truncated at byte 42", finding.Message, StringComparison.Ordinal);
        Assert.Contains(run.Skipped, s => s.Check == "envoy.ExtProcBodyLoss" && s.Reason.Contains("openshift-ingress/openshift-ai-inference not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Body_loss_finding_carries_its_evidence()
    {
        var inputs = new ClusterFixture().Inputs();
        var context = new CheckContext(new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = [Pod(Fds, routeFailOpen: false)] }, new ExtProcBodyLossRiskCheck(), default);
        new ExtProcBodyLossRiskCheck().Run(context);
        var finding = context.Findings.First(f => f.Evidence["route"] == R1);
        Assert.Equal(Fds, finding.Evidence["mode"]);
        Assert.Equal("1.34.1", finding.Evidence["envoyVersion"]);
        Assert.Equal(Epp, finding.Evidence["eppCluster"]);
        Assert.Contains("envoy #40014", finding.Evidence["failOpen"], StringComparison.Ordinal);
        Assert.Equal(KnownExtProcIssues.FullDuplexFailOpenBodyLoss.Id, finding.Evidence["issue"]);
    }

    [Fact]
    public void Envoy_checks_are_sorted_and_declare_their_codes()
    {
        var names = EnvoyChecks.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(EnvoyChecks.All, c => Assert.StartsWith("envoy.", c.Name, StringComparison.Ordinal));
        Assert.Equal(
            ["LLMD0003", "LLMD0104", "LLMD0204", "LLMD0301", "LLMD0302", "LLMD0303", "LLMD0304", "LLMD0305", "LLMD0306", "LLMD0801"],
            EnvoyChecks.All.SelectMany(c => c.Emits).Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Effective_body_mode_of_a_flow_for_the_report()
    {
        var inputs = new ClusterFixture().Inputs();
        var views = GatewayEnvoyViews.Of([Pod(Fds)]);
        var modes = inputs.Flows.ToDictionary(f => f.EnvoyRouteName, views.EffectiveBodyModeOf);
        Assert.Equal(Fds, modes[R1]);
        Assert.Equal("NONE", modes["my-first-model.qwen3-0-6b-kserve-route.2"]);
        Assert.Null(GatewayEnvoyViews.Of([]).EffectiveBodyModeOf(inputs.Flows[0]));
    }

    [Fact]
    public async Task Unknown_picker_release_is_judged_by_stalled_posts_only()
    {
        var inputs = EppImage("quay.io/someone/picker@sha256:0123")(new ClusterFixture()).Inputs();
        var quiet = await new CheckRunner().RunAsync([new BufferedOverrideStallsPickerCheck()], new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = [Pod()] });
        Assert.Empty(quiet.Findings);
        Assert.Contains(quiet.Skipped, s => s.Reason.Contains("unknown release", StringComparison.Ordinal) && s.Reason.Contains(R1, StringComparison.Ordinal));

        var target = new LlmdDoctor.Core.Probes.ProbeTarget
        {
            Kind = LlmdDoctor.Core.Probes.ProbeKind.Chat, Method = "POST", Url = "https://gw/x", Path = "/my-first-model/qwen3-0-6b/v1/chat/completions",
            GatewayNamespace = "openshift-ingress", GatewayName = "openshift-ai-inference", EnvoyRouteName = R1,
        };
        var probes = new LlmdDoctor.Core.Probes.ProbeResults
        {
            Results = [new LlmdDoctor.Core.Probes.ProbeResult { Target = target, Reason = LlmdDoctor.Core.Probes.ProbeFailureReason.Timeout }],
        };
        var stalled = await new CheckRunner().RunAsync([new BufferedOverrideStallsPickerCheck()],
            new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = [Pod()], Probes = probes });
        var finding = Assert.Single(stalled.Findings);
        Assert.Equal(R1, finding.Evidence["route"]);
        Assert.Equal("unknown", finding.Evidence["eppVersion"]);
        Assert.Equal(target.Path, finding.Evidence["postProbesTimedOut"]);
        Assert.Equal("1000s", finding.Evidence["messageTimeout"]);
        Assert.Equal("not read", finding.Evidence["extProcMessageTimeouts"]);

        var counted = await new CheckRunner().RunAsync([new BufferedOverrideStallsPickerCheck()],
            new DoctorInputs { Cluster = inputs.Cluster, States = inputs.States, Envoy = [Pod() with { ExtProcMessageTimeouts = 5 }], Probes = probes });
        Assert.StartsWith("5 (", Assert.Single(counted.Findings).Evidence["extProcMessageTimeouts"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghcr.io/llm-d/llm-d-inference-scheduler:v0.2.1", null, PickerBodyHandling.StreamingOnly)]
    [InlineData(Scheduler, null, PickerBodyHandling.StreamingOnly)]
    [InlineData(GieV1, null, PickerBodyHandling.StreamingOnly)]
    [InlineData("registry.k8s.io/gateway-api-inference-extension/epp:v0.4.0", null, PickerBodyHandling.StreamingOnly)]
    [InlineData("registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0@sha256:abcd", null, PickerBodyHandling.AcceptsBuffered)]
    [InlineData("registry.k8s.io/gateway-api-inference-extension/epp:v0.2.0", "TRUE", PickerBodyHandling.StreamingOnly)]
    [InlineData("registry.k8s.io/gateway-api-inference-extension/epp:v0.2.0", "yes", PickerBodyHandling.AcceptsBuffered)]
    [InlineData("us-central1-docker.pkg.dev/k8s-staging-images/gateway-api-inference-extension/epp:main", null, PickerBodyHandling.Unknown)]
    [InlineData("localhost:5000/gateway-api-inference-extension/epp", null, PickerBodyHandling.Unknown)]
    [InlineData("quay.io/someone/picker:1.0", null, PickerBodyHandling.Unknown)]
    [InlineData("", null, PickerBodyHandling.Unknown)]
    public void Picker_release_from_the_image(string image, string? useStreaming, PickerBodyHandling expected)
    {
        var container = new LlmdDoctor.Core.Cluster.Container { Image = image };
        if (useStreaming is not null)
        {
            container.Env.Add(new LlmdDoctor.Core.Cluster.EnvVar { Name = "USE_STREAMING", Value = useStreaming });
        }

        Assert.Equal(expected, EndpointPickerRelease.OfContainer(container).Handling);
    }

    [Theory]
    [InlineData("outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", "my-first-model", "qwen3-0-6b-epp-service")]
    [InlineData("outbound|9002||epp.ns.svc.example.org", "ns", "epp")]
    [InlineData("dummy", null, null)]
    [InlineData("outbound|9002||10.0.0.7", null, null)]
    public void Service_of_an_istio_cluster_name(string cluster, string? ns, string? name) =>
        Assert.Equal(ns is null ? null : (ns, name!), EndpointPickerRelease.ServiceOf(cluster));
}
