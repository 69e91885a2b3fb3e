using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator.Gateway;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>EnvoyFilter patches as istiod applies them to a gateway's Envoy config (HTTP_FILTER MERGE / REPLACE, HTTP_ROUTE MERGE).</summary>
public sealed class EnvoyFilterPushTests
{
    private const string Dump = """
        {"configs": [
          {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
           "dynamic_listeners": [{"name": "0.0.0.0_443", "active_state": {"listener": {"name": "0.0.0.0_443", "filter_chains": [{"filters": [
             {"name": "envoy.filters.network.http_connection_manager", "typed_config": {"stat_prefix": "outbound_0.0.0.0_443", "http_filters": [
               {"name": "envoy.filters.http.ext_proc", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor",
                 "failure_mode_allow": true, "message_timeout": "1000s", "grpc_service": {"envoy_grpc": {"cluster_name": "dummy"}}}},
               {"name": "envoy.filters.http.router"}]}}]}]}}}]},
          {"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
           "dynamic_route_configs": [{"route_config": {"virtual_hosts": [{"routes": [{"name": "ns.route.0", "route": {"cluster": "c"}}]}]}}]}]}
        """;

    private static JsonObject Filter(string applyTo, string operation, string matchName, string value) => (JsonObject)YamlJson.ParseDocuments("""
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata: {name: f, namespace: gw}
        spec:
          configPatches:
          - applyTo: APPLY_TO
            match:
              listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager, subFilter: {name: MATCH_NAME}}}}
              routeConfiguration: {vhost: {route: {name: MATCH_NAME}}}
            patch:
              operation: OPERATION
              value: VALUE
        """.Replace("APPLY_TO", applyTo, StringComparison.Ordinal).Replace("MATCH_NAME", matchName, StringComparison.Ordinal)
            .Replace("OPERATION", operation, StringComparison.Ordinal).Replace("VALUE", value, StringComparison.Ordinal)).Single()!;

    private static (JsonObject Dump, bool Changed) Push(JsonObject filter)
    {
        var (bytes, changed) = EnvoyFilterPush.Apply(filter, Encoding.UTF8.GetBytes(Dump));
        return ((JsonObject)JsonNode.Parse(bytes)!, changed);
    }

    private static JsonObject ExtProc(JsonObject dump) =>
        (JsonObject)dump["configs"]![0]!["dynamic_listeners"]![0]!["active_state"]!["listener"]!["filter_chains"]![0]!["filters"]![0]!["typed_config"]!["http_filters"]![0]!;

    [Fact]
    public void Http_filter_merge_changes_only_the_named_fields()
    {
        var (dump, changed) = Push(Filter("HTTP_FILTER", "MERGE", "envoy.filters.http.ext_proc",
            """{"name": "envoy.filters.http.ext_proc", "typed_config": {"failure_mode_allow": false}}"""));

        Assert.True(changed);
        Assert.False((bool)ExtProc(dump)["typed_config"]!["failure_mode_allow"]!);
        Assert.Equal("1000s", (string?)ExtProc(dump)["typed_config"]!["message_timeout"]);
        Assert.Equal("http.outbound_0.0.0.0_443.ext_proc.", ConfigDumpJson.ExtProcStatPrefix(dump));
    }

    [Fact]
    public void Http_filter_replace_swaps_the_whole_filter()
    {
        var (dump, changed) = Push(Filter("HTTP_FILTER", "REPLACE", "envoy.filters.http.ext_proc",
            """{"name": "envoy.filters.http.ext_proc", "typed_config": {"message_timeout": "5s"}}"""));

        Assert.True(changed);
        Assert.Equal("5s", (string?)ExtProc(dump)["typed_config"]!["message_timeout"]);
        Assert.Null(ExtProc(dump)["typed_config"]!["failure_mode_allow"]);
    }

    [Theory]
    [InlineData("HTTP_FILTER", "MERGE", "envoy.filters.http.lua")] // no such filter in the chain
    [InlineData("HTTP_FILTER", "INSERT_BEFORE", "envoy.filters.http.ext_proc")] // not simulated
    [InlineData("HTTP_ROUTE", "MERGE", "ns.route.9")] // no such route
    public void Patches_that_match_nothing_change_nothing(string applyTo, string operation, string matchName)
    {
        var (dump, changed) = Push(Filter(applyTo, operation, matchName, """{"typed_config": {"failure_mode_allow": false}}"""));

        Assert.False(changed);
        Assert.True((bool)ExtProc(dump)["typed_config"]!["failure_mode_allow"]!);
    }

    [Fact]
    public void Http_route_merge_reaches_the_named_route()
    {
        var (dump, changed) = Push(Filter("HTTP_ROUTE", "MERGE", "ns.route.0", """{"route": {"timeout": "0s"}}"""));

        Assert.True(changed);
        Assert.Equal("0s", (string?)ConfigDumpJson.Routes(dump).Single()["route"]!["timeout"]);
        Assert.Equal("c", (string?)ConfigDumpJson.Routes(dump).Single()["route"]!["cluster"]);
    }
}
