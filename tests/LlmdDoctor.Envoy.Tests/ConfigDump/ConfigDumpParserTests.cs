using System.Text;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

public sealed class ConfigDumpParserTests
{
    private const string MaasDump = "ossm-1.26.2-workaround/envoy/openshift-ingress/maas-gateway-openshift-ai-inference-5f6d7c8b9-k9z7q/config_dump.json";

    private static Envoy.ConfigDump.ConfigDump ParseText(string json, ConfigDumpOptions? options = null) =>
        ConfigDumpParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json", options);

    [Fact]
    public void Reads_the_seed_gateway_dump()
    {
        var dump = ConfigDumpParser.ParseFile(EnvoyFixtures.PathOf(MaasDump.Split('/')));

        Assert.Null(dump.Problem);
        Assert.StartsWith("router~10.128.0.10~maas-gateway", dump.NodeId, StringComparison.Ordinal);
        Assert.Equal("1.26.2-redhat", dump.IstioVersion);
        Assert.Equal("1.34.1", dump.EnvoyVersion?.ToString());
        Assert.True(dump.ListenersDumped);
        var filter = Assert.Single(dump.ExtProcFilters);
        Assert.Equal(("0.0.0.0_80", "http.80", "dummy", true, "1000s"), (filter.Listener, filter.RouteConfigName, filter.ClusterName, filter.FailureModeAllow, filter.MessageTimeout));
        Assert.Equal((HeaderSendMode.Skip, HeaderSendMode.Skip, BodySendMode.None), (filter.ProcessingMode.RequestHeader, filter.ProcessingMode.ResponseHeader, filter.ProcessingMode.RequestBody));
        Assert.Equal(3, dump.Routes.Count);
        var chat = Assert.Single(dump.Routes, r => r.Name == "my-first-model.maas-model-route.1");
        Assert.Equal(("http.80", "*:80", "prefix:/my-first-model/qwen3-0-6b/v1/chat/completions"), (chat.RouteConfig, chat.VirtualHost, chat.Match));
        Assert.StartsWith("outbound|54321||qwen3-0-6b-inference-pool-ip-", chat.Cluster, StringComparison.Ordinal);
        Assert.Equal(new ExtProcPerRoute(false, new ProcessingMode(HeaderSendMode.Send, HeaderSendMode.Send, BodySendMode.FullDuplexStreamed, BodySendMode.FullDuplexStreamed, HeaderSendMode.Default, HeaderSendMode.Default),
            "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", null), chat.ExtProc);
        Assert.Null(Assert.Single(dump.Routes, r => r.Name.EndsWith(".2", StringComparison.Ordinal)).ExtProc);
        Assert.Contains("prometheus_stats", dump.ClusterNames);
        Assert.Contains("outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", dump.ClusterNames);
        Assert.Empty(dump.Skipped);
    }

    [Fact]
    public void A_future_Envoy_dump_with_unknown_types_and_fields_still_reads()
    {
        var dump = ConfigDumpParser.ParseFile(EnvoyFixtures.PathOf("parser", "future-envoy.json"));

        Assert.Null(dump.Problem);
        Assert.Equal("1.39.0", dump.EnvoyVersion?.ToString());
        Assert.Equal(3, dump.Routes.Count);
        Assert.All(dump.Routes.Where(r => r.ExtProc is not null), r => Assert.Equal(HeaderSendMode.Send, r.ExtProc!.ProcessingMode!.RequestTrailer));
        Assert.Equal(false, dump.Routes[0].ExtProc!.FailureModeAllow);
        Assert.Equal(["type.googleapis.com/envoy.admin.v3.FutureConfigDump"], dump.Skipped);
    }

    public static TheoryData<string, string> BadDumps => new()
    {
        { "", "empty" },
        { " \n ", "empty" },
        { "[1,2]", "not an Envoy config dump" },
        { "{\"configs\": [{\"@type\": \"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\", \"dynamic_route_configs\": [", "truncated at byte 104: the JSON ends inside an unfinished value" },
        { "{\"configs\": [{\"@type\": \"x\"} ", "truncated at byte 28" },
        { "{\"configs\": [{\"@type\": \"x\" ]}", "invalid JSON near byte" },
        { "{\"configs\": [] } trailing", "invalid JSON near byte 17: 't' is invalid after a single JSON value" },
        { "{\"nothing\": 1}", "no \"configs\" array" },
        { "{\"configs\": [{\"bootstrap\": {\"node\": {\"id\": \"a\\u00", "truncated" },
    };

    [Theory]
    [MemberData(nameof(BadDumps))]
    public void Bad_input_gives_a_clear_problem_never_an_exception(string json, string problem)
    {
        var dump = ParseText(json);
        Assert.NotNull(dump.Problem);
        Assert.StartsWith("test.json: ", dump.Problem, StringComparison.Ordinal);
        Assert.True(dump.Problem.Contains(problem, StringComparison.Ordinal), dump.Problem);
    }

    [Fact]
    public void Size_limits_are_problems()
    {
        var json = File.ReadAllText(EnvoyFixtures.PathOf(MaasDump.Split('/')));
        var total = ParseText(json, new ConfigDumpOptions { MaxBytes = 1000 }).Problem ?? "";
        Assert.True(total.Contains("larger than the limit of 1000 bytes", StringComparison.Ordinal), total);
        var element = ParseText(json, new ConfigDumpOptions { MaxElementBytes = 2048 }).Problem ?? "";
        Assert.True(element.Contains("larger than the limit of 2048 bytes", StringComparison.Ordinal), element);
    }

    [Fact]
    public void Sections_are_found_by_field_name_even_when_the_type_comes_last_and_names_are_camelCase()
    {
        const string json = """
            {"configs": [
              {"bootstrap": {"node": {"id": "x", "userAgentBuildVersion": {"version": {"majorNumber": 1, "minorNumber": 34}}}}, "@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump"},
              {"dynamicRouteConfigs": [{"routeConfig": {"virtualHosts": [{"routes": [
                 {"name": "ns.r.0", "match": {"path": "/v1/completions"}, "typedPerFilterConfig": {"envoy.filters.http.ext_proc":
                   {"@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", "config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute", "disabled": true}}}},
                 {"name": "ns.r.1", "route": {"cluster": "c"}}
               ], "name": "vh", "typedPerFilterConfig": {"envoy.filters.http.ext_proc": {"overrides": {"processingMode": {"requestBodyMode": "BUFFERED"}, "failureModeAllow": {"value": true}}}}}],
               "name": "late.80"}}]}
            ]}
            """;
        var dump = ParseText(json);

        Assert.Null(dump.Problem);
        Assert.Equal("1.34.0", dump.EnvoyVersion?.ToString());
        Assert.False(dump.ListenersDumped);
        Assert.Equal(
            [
                new EnvoyRoute("late.80", "vh", "ns.r.0", "path:/v1/completions", null, new ExtProcPerRoute(true, null, null, null)),
                new EnvoyRoute("late.80", "vh", "ns.r.1", null, "c", new ExtProcPerRoute(false, ProcessingMode.Default with { RequestBody = BodySendMode.Buffered }, null, true)),
            ],
            dump.Routes.Select(r => r with { PathMatch = null }));
    }

    [Fact]
    public void A_route_only_dump_assumes_Istio_s_inference_pool_filter()
    {
        var json = File.ReadAllText(EnvoyFixtures.PathOf(MaasDump.Split('/')));
        var dump = ParseText(json.Replace("ListenersConfigDump", "NotListeners", StringComparison.Ordinal).Replace("dynamic_listeners", "gone", StringComparison.Ordinal));
        var data = Admin.GatewayEnvoyDataReader.FromDump("ns", "gw", "pod", dump);
        Assert.False(data.ListenersDumped);
        var mode = data.EffectiveExtProc(data.RoutesNamed("my-first-model.maas-model-route.1")[0]);
        Assert.Equal((true, BodySendMode.FullDuplexStreamed, true), (mode.Active, mode.RequestBody, mode.FailOpen));
    }

    public static TheoryData<string> UndecodableText => new()
    {
        // A listener's name with a byte that is not UTF-8 (# becomes 0xFF).
        """{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[{"name":"l-#","active_state":{"listener":{"name":"l-#","filter_chains":[]}}}]}]}""",
        // The bootstrap's node id with a lone escaped surrogate.
        """{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{"node":{"id":"router~\ud800~x","metadata":{"ISTIO_VERSION":"1.26.2"}}}}]}""",
    };

    [Theory]
    [MemberData(nameof(UndecodableText))]
    public void Text_that_cannot_be_decoded_outside_routes_is_a_problem_not_an_exception(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var hash = Array.IndexOf(bytes, (byte)'#');
        while (hash >= 0)
        {
            bytes[hash] = 0xFF;
            hash = Array.IndexOf(bytes, (byte)'#');
        }

        var dump = ConfigDumpParser.Parse(new MemoryStream(bytes), "hostile");

        Assert.NotNull(dump.Problem);
        Assert.StartsWith("hostile: ", dump.Problem, StringComparison.Ordinal);
    }
}
