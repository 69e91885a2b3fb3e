using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.Admin;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

public sealed class AdminTextParserTests
{
    private const string Epp = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    [Fact]
    public void Stats_keep_counters_and_skip_histograms_and_garbage()
    {
        var stats = EnvoyStatsText.Parse("""
            server.live: 1
            this line is garbage
            cluster.outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local.upstream_cx_connect_fail: 12
            cluster.x.upstream_rq_time: P0(nan,0) P25(nan,0)
            listener.[::1]:15090.downstream_cx_total: 3
            : 5
            no-value:
            negative.gauge: -2

            """);

        Assert.Equal(12, stats[$"cluster.{Epp}.upstream_cx_connect_fail"]);
        Assert.Equal(3, stats["listener.[::1]:15090.downstream_cx_total"]);
        Assert.Equal(-2, stats["negative.gauge"]);
        Assert.Null(stats["cluster.x.upstream_rq_time"]);
        Assert.Equal(4, stats.Count);
        Assert.Equal(4, stats.SkippedLines);
    }

    [Fact]
    public void Stats_filter_keeps_only_the_endpoint_picker_clusters()
    {
        var keep = GatewayEnvoyDataReader.StatsFilter(new HashSet<string> { Epp });
        Assert.True(keep($"cluster.{Epp}.ssl.fail_verify_error"));
        Assert.False(keep($"cluster.{Epp}2.ssl.fail_verify_error"));
        Assert.False(keep("cluster.outbound|8000||svc.ns.svc.cluster.local.upstream_cx_total"));
        Assert.False(keep("server.live"));
        Assert.True(keep("http.outbound_0.0.0.0_80.ext_proc.message_timeouts"));
        Assert.False(keep("http.outbound_0.0.0.0_80.ext_proc.streams_started"));
    }

    [Fact]
    public void Ext_proc_message_timeouts_are_summed_over_the_connection_managers_and_null_without_stats()
    {
        var data = new LlmdDoctor.Core.Envoy.GatewayEnvoyData("ns", "gw", "pod");
        var stats = EnvoyStatsText.Parse("""
            http.outbound_0.0.0.0_80.ext_proc.message_timeouts: 3
            http.outbound_0.0.0.0_443.ext_proc.message_timeouts: 4
            http.outbound_0.0.0.0_443.ext_proc.streams_started: 9
            """, GatewayEnvoyDataReader.StatsFilter(new HashSet<string>()));
        Assert.Equal(7, GatewayEnvoyDataReader.WithStats(data, stats, null).ExtProcMessageTimeouts);
        Assert.Null(GatewayEnvoyDataReader.WithStats(data, null, null).ExtProcMessageTimeouts);
    }

    [Fact]
    public void Clusters_text_reads_hosts_including_IPv6_and_skips_cluster_settings_and_garbage()
    {
        var clusters = EnvoyClustersText.Parse($"""
            {Epp}::observability_name::{Epp}
            {Epp}::default_priority::max_connections::4294967295
            {Epp}::added_via_api::true
            {Epp}::10.128.2.15:9002::cx_connect_fail::12
            {Epp}::10.128.2.15:9002::health_flags::/failed_active_hc/failed_outlier_check
            {Epp}::[fd00::15]:9002::cx_connect_fail::1
            garbage without separators
            a::b

            """);

        var hosts = clusters.HostsOf(Epp);
        Assert.Equal(["10.128.2.15:9002", "[fd00::15]:9002"], hosts.Select(h => h.Address));
        Assert.Equal(12, hosts[0].Counter("cx_connect_fail"));
        Assert.Equal("/failed_active_hc/failed_outlier_check", hosts[0].Stats["health_flags"]);
        Assert.Equal(1, hosts[1].Counter("cx_connect_fail"));
        Assert.Equal(2, clusters.SkippedLines);
        Assert.Empty(clusters.HostsOf("other"));
    }

    public static TheoryData<string, string?, string?> ServerInfos => new()
    {
        { """{"version":"2d4ec97f3ac7b3256d060e1bb8aa6c415f5cef63/1.34.1/Clean/RELEASE/BoringSSL","state":"LIVE","node":{"metadata":{"ISTIO_VERSION":"1.26.2-redhat"}}}""", "1.34.1", null },
        { """{"version":"abc/1.36.2-dev/Modified/DEBUG/BoringSSL","future":{"x":1}}""", "1.36.2", null },
        { """{"version":"no-slashes"}""", null, null },
        { """{"version":""", null, "invalid JSON" },
        { "[]", null, "not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(ServerInfos))]
    public void Server_info_version_is_the_second_segment(string json, string? version, string? problem)
    {
        var info = EnvoyServerInfo.Parse(json);
        Assert.Equal(version, info.EnvoyVersion?.ToString());
        if (problem is null)
        {
            Assert.Null(info.Problem);
        }
        else
        {
            Assert.Contains(problem, info.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Envoy_version_falls_back_to_server_info_then_to_the_Istio_release_line()
    {
        var dump = new Envoy.ConfigDump.ConfigDump { Origin = "x", IstioVersion = "1.27.3" };
        var fromServer = GatewayEnvoyDataReader.FromDump("ns", "gw", "pod", dump, EnvoyServerInfo.Parse("""{"version":"a/1.35.6/Clean/RELEASE/BoringSSL"}"""));
        var inferred = GatewayEnvoyDataReader.FromDump("ns", "gw", "pod", dump);
        Assert.Equal(("1.35.6", "server_info"), (fromServer.EnvoyVersion?.ToString(), fromServer.EnvoyVersionSource));
        Assert.Equal((new ComponentVersion(1, 35, 0), "inferred from Istio 1.27.3"), (inferred.EnvoyVersion!.Value, inferred.EnvoyVersionSource));
    }
}
