using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmdDoctor.Envoy.Admin;
using LlmdDoctor.Envoy.ConfigDump;

namespace LlmdDoctor.Bench;

/// <summary>
/// The config-dump benchmark: a generated Istio gateway <c>/config_dump</c> (listeners with Istio's InferencePool
/// ext_proc filter, route configurations with many routes carrying ext_proc per-route overrides, clusters), and the
/// doctor's pass over it: parse + effective ext_proc request body mode of every route, printed as
/// <c>route-config, route, mode</c> lines (the same lines bench/dump-modes.jq prints).
/// </summary>
public static class DumpBench
{
    private static string Fill(this string template, params string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            template = template.Replace($"@{i}@", values[i], StringComparison.Ordinal);
        }

        return template;
    }

    private const int RouteConfigs = 8;
    private const int VirtualHostsPerConfig = 4;

    public static int Generate(Args args)
    {
        var target = (long)args.Int("mb", 50) * 1024 * 1024;
        var path = args.Str("out");
        var routes = 0;
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            w.Write("""{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{"node":{"id":"router~10.128.2.17~bench-gateway-istio-7d4b9c6f85-p8mzt.openshift-ingress~openshift-ingress.svc.cluster.local","cluster":"bench-gateway-istio.openshift-ingress","metadata":{"ISTIO_VERSION":"1.26.2","CLUSTER_ID":"Kubernetes"},"user_agent_name":"envoy","user_agent_build_version":{"version":{"major_number":1,"minor_number":34,"patch":1},"metadata":{"build.type":"RELEASE"}}}},"last_updated":"2026-11-22T10:00:00Z"},""");
            w.Write("""{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","version_info":"2026-11-22T10:00:00Z/42","dynamic_listeners":[""");
            for (var c = 0; c < RouteConfigs; c++)
            {
                w.Write(c > 0 ? "," : "");
                w.Write(Listener(c));
            }

            w.Write("]},");
            w.Write("""{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump","version_info":"2026-11-22T10:00:00Z/42","dynamic_active_clusters":[""");
            for (var k = 0; k < 2000; k++)
            {
                w.Write(k > 0 ? "," : "");
                w.Write(Cluster(k));
            }

            w.Write("]},");
            w.Write("""{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","dynamic_route_configs":[""");
            // Routes are spread round-robin until the file reaches the target size: write each route config in turn.
            w.Flush();
            var budgetPerConfig = (target - w.BaseStream.Position - 4096) / RouteConfigs;
            for (var c = 0; c < RouteConfigs; c++)
            {
                w.Write(c > 0 ? "," : "");
                w.Write("""{"version_info":"2026-11-22T10:00:00Z/42","route_config":{"@type":"type.googleapis.com/envoy.config.route.v3.RouteConfiguration","name":"@0@","virtual_hosts":[""".Fill((ConfigName(c)).ToString()));
                long written = 0;
                for (var v = 0; v < VirtualHostsPerConfig; v++)
                {
                    w.Write(v > 0 ? "," : "");
                    w.Write("""{"name":"gw-@0@-host-@1@.apps.bench.example.com:@2@","domains":["gw-@3@-host-@4@.apps.bench.example.com","gw-@5@-host-@6@.apps.bench.example.com:*"],"routes":[""".Fill((c).ToString(), (v).ToString(), (Port(c)).ToString(), (c).ToString(), (v).ToString(), (c).ToString(), (v).ToString()));
                    var first = true;
                    while (written < budgetPerConfig * (v + 1) / VirtualHostsPerConfig)
                    {
                        var route = Route(routes, c);
                        w.Write(first ? "" : ",");
                        w.Write(route);
                        written += route.Length + 1;
                        first = false;
                        routes++;
                    }

                    w.Write("""],"include_request_attempt_count":true}""");
                }

                w.Write("""],"validate_clusters":false,"ignore_port_in_host_matching":true},"last_updated":"2026-11-22T10:00:00Z"}""");
            }

            w.Write("]}]}");
        }

        Console.Error.WriteLine($"{path}: {new FileInfo(path).Length} bytes, {routes} routes in {RouteConfigs} route configurations");
        return 0;
    }

    /// <summary>Parse + effective body mode of every route; one line per route on stdout.</summary>
    public static int Modes(Args args)
    {
        var path = args.Str("dump");
        var watch = Stopwatch.StartNew();
        var dump = ConfigDumpParser.ParseFile(path);
        if (dump.Problem is not null)
        {
            Console.Error.WriteLine(dump.Problem);
            return 3;
        }

        var data = GatewayEnvoyDataReader.FromDump("openshift-ingress", "bench-gateway", "bench-gateway-istio-7d4b9c6f85-p8mzt", dump);
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
        foreach (var route in data.Routes)
        {
            stdout.Write(route.RouteConfig);
            stdout.Write('\t');
            stdout.Write(route.Name);
            stdout.Write('\t');
            stdout.Write(data.EffectiveExtProc(route).EffectiveBodyMode);
            stdout.Write('\n');
        }

        stdout.Flush();
        Console.Error.WriteLine($"{data.Routes.Count} routes, {data.ExtProcFilters.Count} ext_proc filters, {data.ClusterNames.Count} clusters in {watch.Elapsed.TotalMilliseconds:0} ms");
        return 0;
    }

    private static string ConfigName(int c) => $"http.{Port(c)}";

    private static int Port(int c) => 8000 + c;

    private static string Listener(int c) => """
        {"name":"0.0.0.0_@0@","active_state":{"version_info":"2026-11-22T10:00:00Z/42","listener":{"@type":"type.googleapis.com/envoy.config.listener.v3.Listener","name":"0.0.0.0_@1@","address":{"socket_address":{"address":"0.0.0.0","port_value":@2@}},"filter_chains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager","stat_prefix":"outbound_0.0.0.0_@3@","rds":{"config_source":{"ads":{},"initial_fetch_timeout":"0s","resource_api_version":"V3"},"route_config_name":"@4@"},"http_filters":[{"name":"istio.metadata_exchange","typed_config":{"@type":"type.googleapis.com/udpa.type.v1.TypedStruct","type_url":"type.googleapis.com/io.istio.http.peer_metadata.Config","value":{"upstream_discovery":[{"istio_headers":{}},{"workload_discovery":{}}]}}},{"name":"envoy.filters.http.ext_proc","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor","grpc_service":{"envoy_grpc":{"cluster_name":"dummy"},"timeout":"10s"},"failure_mode_allow":true,"processing_mode":{"request_header_mode":"SKIP","response_header_mode":"SKIP"},"message_timeout":"1000s","allow_mode_override":true}},{"name":"istio.stats","typed_config":{"@type":"type.googleapis.com/stats.PluginConfig"}},{"name":"envoy.filters.http.router","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}],"use_remote_address":true,"normalize_path":true,"path_with_escaped_slashes_action":"KEEP_UNCHANGED"}}]}]}}}
        """.Fill((Port(c)).ToString(), (Port(c)).ToString(), (Port(c)).ToString(), (Port(c)).ToString(), (ConfigName(c)).ToString()).Trim();

    private static string Cluster(int k) => """
        {"version_info":"2026-11-22T10:00:00Z/42","cluster":{"@type":"type.googleapis.com/envoy.config.cluster.v3.Cluster","name":"outbound|8000||model-@0@-kserve-workload-svc.ns-@1@.svc.cluster.local","type":"EDS","eds_cluster_config":{"eds_config":{"ads":{},"initial_fetch_timeout":"0s","resource_api_version":"V3"},"service_name":"outbound|8000||model-@2@-kserve-workload-svc.ns-@3@.svc.cluster.local"},"connect_timeout":"10s","circuit_breakers":{"thresholds":[{"max_connections":4294967295,"max_pending_requests":4294967295,"max_requests":4294967295,"max_retries":4294967295}]},"common_lb_config":{},"filters":[{"name":"istio.metadata_exchange","typed_config":{"@type":"type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange","protocol":"istio-peer-exchange"}}]},"last_updated":"2026-11-22T10:00:00Z"}
        """.Fill((k).ToString(), (k % 97).ToString(), (k).ToString(), (k % 97).ToString()).Trim();

    /// <summary>
    /// One Istio-shaped route. Every fourth kind: FULL_DUPLEX_STREAMED override (pilot's InferencePool default),
    /// BUFFERED override (the EnvoyFilter fix), no override (the base filter's mode applies), ext_proc disabled.
    /// </summary>
    private static string Route(int n, int c)
    {
        var ns = $"ns-{n % 97}";
        var name = $"{ns}.model-{n}-kserve-route.{n % 3}";
        var extProc = (n % 4) switch
        {
            0 => ""","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute","overrides":{"processing_mode":{"request_header_mode":"SEND","response_header_mode":"SEND","request_body_mode":"FULL_DUPLEX_STREAMED","response_body_mode":"FULL_DUPLEX_STREAMED"},"grpc_service":{"envoy_grpc":{"cluster_name":"outbound|9002||model-@0@-epp-service.@1@.svc.cluster.local"},"timeout":"10s"}}}}""".Fill((n).ToString(), (ns).ToString()),
            1 => ""","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute","overrides":{"processing_mode":{"request_header_mode":"SEND","response_header_mode":"SEND","request_body_mode":"BUFFERED","response_body_mode":"BUFFERED"},"grpc_service":{"envoy_grpc":{"cluster_name":"outbound|9002||model-@0@-epp-service.@1@.svc.cluster.local"},"timeout":"10s"}}}}""".Fill((n).ToString(), (ns).ToString()),
            2 => "",
            _ => ""","typed_per_filter_config":{"envoy.filters.http.ext_proc":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute","disabled":true}}""",
        };
        return """
            {"name":"@0@","match":{"path_separated_prefix":"/@1@/model-@2@/v1/chat/completions","case_sensitive":true},"route":{"cluster":"outbound|54321||model-@3@-inference-pool-ip-1a2b3c4d.@4@.svc.cluster.local","timeout":"0s","retry_policy":{"retry_on":"connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes","num_retries":2,"retry_host_predicate":[{"name":"envoy.retry_host_predicates.previous_hosts","typed_config":{"@type":"type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate"}}],"host_selection_retry_max_attempts":"5","retriable_status_codes":[503]},"max_grpc_timeout":"0s","regex_rewrite":{"pattern":{"regex":"^/@5@/model-@6@(/|$)"},"substitution":"/"}},"metadata":{"filter_metadata":{"istio":{"config":"/apis/gateway.networking.k8s.io/v1/namespaces/@7@/httproute/model-@8@-kserve-route"}}},"decorator":{"operation":"model-@9@-inference-pool-ip-1a2b3c4d.@10@.svc.cluster.local:54321/@11@/model-@12@/v1/chat/completions*"},"request_headers_to_add":[{"header":{"key":"x-gateway-inference-objective","value":"model-@13@"},"append_action":"OVERWRITE_IF_EXISTS_OR_ADD"}]@14@}
            """.Fill((name).ToString(), (ns).ToString(), (n).ToString(), (n).ToString(), (ns).ToString(), (ns).ToString(), (n).ToString(), (ns).ToString(), (n).ToString(), (n).ToString(), (ns).ToString(), (ns).ToString(), (n).ToString(), (n).ToString(), (extProc).ToString()).Trim();
    }
}
