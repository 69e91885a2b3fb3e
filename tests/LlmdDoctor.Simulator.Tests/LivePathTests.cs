using System.Net;
using System.Text;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Envoy.ConfigDump;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Monitoring;
using LlmdDoctor.Monitoring.Clients;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>The doctor's own live clients against the simulated seed cluster: kubeconfig → API → port-forward → gRPC → Prometheus.</summary>
public sealed class SeedLivePathTests(SeedFixture fixture) : IClassFixture<SeedFixture>
{
    private SimulatedCluster Cluster => fixture.Cluster;

    private KubeClient Kube() => new(Kubeconfig.Load(name => name == "KUBECONFIG" ? Cluster.KubeconfigPath : null).Connection());

    [Fact]
    public async Task Live_inventory_through_the_kubeconfig_reads_every_input_without_problems()
    {
        using var client = Kube();
        var inventory = await new LiveInventoryCollector(client).CollectAsync();

        Assert.Empty(inventory.Snapshot.Problems);
        Assert.All(inventory.Inputs, kv => Assert.Equal(InputStatus.Available, kv.Value.Status));
        Assert.Equal(3, inventory.Snapshot.Gateways.Count);
        Assert.Equal(["inference.networking.k8s.io", "inference.networking.x-k8s.io"], inventory.Snapshot.InferencePools.Select(p => p.ApiGroup).Order(StringComparer.Ordinal));
        Assert.Contains(inventory.Snapshot.EnvoyFilters, f => f.Metadata.Name == "fix-extproc-body-mode");
        Assert.Contains(inventory.Snapshot.ConfigMaps, c => c.Metadata.Name == "cluster-monitoring-config");
    }

    [Fact]
    public async Task Gateways_are_served_with_a_local_address_and_the_simulated_listener_port()
    {
        using var client = Kube();
        var gateway = await client.GetAsync(new KubeResource("gateway.networking.k8s.io", "v1", "gateways", "Gateway"), "openshift-ingress", "maas-gateway");

        Assert.NotNull(gateway);
        Assert.Equal("127.0.0.1", (string?)gateway["status"]!["addresses"]![0]!["value"]);
        Assert.Equal("IPAddress", (string?)gateway["status"]!["addresses"]![0]!["type"]);
        Assert.Equal(fixture.Gateway("maas-gateway").Port, (int)gateway["spec"]!["listeners"]![0]!["port"]!);
        Assert.Equal("HTTPS", (string?)gateway["spec"]!["listeners"]![0]!["protocol"]);
    }

    [Fact]
    public async Task Secrets_are_metadata_only_and_missing_objects_are_status_404()
    {
        using var client = Kube();
        var list = await client.ListAsync(KubeResource.Secrets);
        Assert.NotEmpty(list.Items);
        Assert.All(list.Items, s => Assert.Null(s["data"]));

        var missing = await client.GetAsync(KubeResource.Pods, "my-first-model", "no-such-pod");
        Assert.Null(missing);
    }

    [Fact]
    public async Task Requests_without_the_token_get_a_401_status()
    {
        using var http = Clients.Trusting(Cluster.CaFile);
        using var response = await http.GetAsync(new Uri(Cluster.ApiServer, "/api/v1/pods"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", body, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"Unauthorized\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_forward_to_gateway_pod_15000_returns_the_config_dump_with_the_maas_routes()
    {
        using var client = Kube();
        using var response = await client.PortForwardGetAsync("openshift-ingress", "maas-gateway-openshift-ai-inference-7d4b9c6f85-p8mzt", 15000, "/config_dump");

        Assert.Equal(200, response.StatusCode);
        var dump = ConfigDumpParser.Parse(response.Body, "port-forward");
        Assert.Null(dump.Problem);
        Assert.Contains(dump.Routes, r => r.Name == "my-first-model.maas-model-route.1");
        Assert.StartsWith("1.26.2", dump.IstioVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_epp_handshake_grows_the_gateway_s_failure_counters_as_envoy_counts_them()
    {
        const string Pod = "maas-gateway-openshift-ai-inference-7d4b9c6f85-p8mzt";
        const string Epp = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";
        using var client = Kube();
        async Task<(long Total, long Fail, long Verify, long HostFail)> CountersAsync()
        {
            using var stats = await client.PortForwardGetAsync("openshift-ingress", Pod, 15000, "/stats");
            var lines = (await new StreamReader(stats.Body).ReadToEndAsync()).Split('\n');
            using var clusters = await client.PortForwardGetAsync("openshift-ingress", Pod, 15000, "/clusters");
            var hosts = (await new StreamReader(clusters.Body).ReadToEndAsync()).Split('\n');
            long Stat(string counter) => long.Parse(lines.Single(l => l.StartsWith($"cluster.{Epp}.{counter}: ", StringComparison.Ordinal)).Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);
            long Host(string counter) => hosts.Where(l => l.StartsWith(Epp + "::", StringComparison.Ordinal) && l.Contains($"::{counter}::", StringComparison.Ordinal))
                .Sum(l => long.Parse(l[(l.LastIndexOf("::", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture));
            return (Stat("upstream_cx_total"), Stat("upstream_cx_connect_fail"), Stat("ssl.fail_verify_error"), Host("cx_connect_fail"));
        }

        var before = await CountersAsync();
        using var http = fixture.TrustingClient();
        using var chat = await http.PostAsync(new Uri(fixture.Gateway("maas-gateway"), "/my-first-model/qwen3-0-6b/v1/chat/completions"), Clients.Json(Clients.Chat));
        var after = await CountersAsync();

        Assert.True(before.Fail >= 57, $"the bundle's 57 are the floor: {before}");
        Assert.True(after.Total > before.Total && after.Fail > before.Fail && after.Verify > before.Verify && after.HostFail > before.HostFail, $"{before} -> {after}");
        Assert.Equal(after.Fail - before.Fail, after.Verify - before.Verify);
    }

    [Fact]
    public async Task Port_forward_serves_stats_and_refuses_other_ports()
    {
        using var client = Kube();
        using (var stats = await client.PortForwardGetAsync("openshift-ingress", "maas-gateway-openshift-ai-inference-7d4b9c6f85-p8mzt", 15000, "/stats"))
        {
            Assert.Equal(200, stats.StatusCode);
            using var reader = new StreamReader(stats.Body);
            Assert.Contains("upstream_cx_connect_fail", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<KubeUnavailableException>(() =>
            client.PortForwardGetAsync("openshift-ingress", "maas-gateway-openshift-ai-inference-7d4b9c6f85-p8mzt", 15021, "/healthz/ready"));
    }

    [Fact]
    public async Task Epp_health_over_grpc_is_serving_for_any_service_name_with_leader_election_off()
    {
        var address = Cluster.ServiceAddresses["qwen3-0-6b-epp-service.my-first-model.svc.cluster.local:9003"];
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = address });
        var health = new GrpcHealthClient(connection);
        foreach (var service in new[] { "", "liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor" })
        {
            var result = await health.CheckAsync(service, TimeSpan.FromSeconds(5));
            Assert.True(result.IsServing, $"{service}: {result.Error}");
        }

        // GIE healthServer.Check without leader election: every name is SERVING once the pool has synced.
        var unknown = await health.CheckAsync("nope", TimeSpan.FromSeconds(5));
        Assert.True(unknown.IsServing, unknown.Error);
    }

    [Fact]
    public async Task Our_ext_proc_client_gets_the_picked_endpoint_and_the_body_back_from_the_epp()
    {
        var address = Cluster.ServiceAddresses["qwen3-0-6b-epp-service.my-first-model.svc.cluster.local:9002"];
        Assert.Equal("https", address.Scheme);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = address, Tls = new GrpcTlsOptions { InsecureSkipVerify = true } });
        var outcome = await new ExtProcConversation(connection).RunAsync(ExtProcProbeRequest.ChatCompletion("Qwen/Qwen3-0.6B"), new ExtProcConversationOptions { SendResponseHeaders = true });

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("10.130.2.9:8000", outcome.PickedEndpoint);
        Assert.Equal(outcome.EndpointFromHeader, outcome.EndpointFromMetadata);
        Assert.Equal(ExtProcBodyOutcome.EquivalentJson, outcome.Body);
        Assert.True(outcome.ResponseHeadersMarked);
    }

    [Fact]
    public async Task The_epp_certificate_is_self_signed_so_the_simulator_ca_does_not_verify_it()
    {
        var address = Cluster.ServiceAddresses["qwen3-0-6b-epp-service.my-first-model.svc.cluster.local:9002"];
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = address, Tls = new GrpcTlsOptions { CaFile = Cluster.CaFile } });
        var outcome = await new ExtProcConversation(connection).RunAsync(ExtProcProbeRequest.ChatCompletion("Qwen/Qwen3-0.6B"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(GrpcFailureKind.Tls, outcome.Failure);
    }

    [Fact]
    public async Task Prometheus_needs_the_token_and_holds_only_kserve_renamed_series()
    {
        using var anonymous = new PrometheusClient(new ApiEndpointSettings { Url = Cluster.PrometheusUrl, CaFile = Cluster.CaFile }, TimeSpan.FromSeconds(5), 1 << 20);
        var denied = await anonymous.QueryAsync("vector(1)", null, default);
        Assert.False(denied.Ok);
        Assert.Equal(401, denied.Call.Status);

        using var client = Prometheus();
        var names = await client.QueryAsync("count by (__name__, namespace, pod) ({__name__=~\"(kserve_)?(vllm:.+|inference_(model|objective|pool|extension)_.+)\", namespace=~\"my-first-model\"})", null, default);
        Assert.True(names.Ok, names.Error);
        Assert.NotEmpty(names.Samples);
        Assert.All(names.Samples, s => Assert.StartsWith("kserve_", s.Label("__name__"), StringComparison.Ordinal));
        Assert.Contains(names.Samples, s => s.Label("__name__") == "kserve_vllm:num_requests_running" && s.Label("pod") == "qwen3-0-6b-kserve-5b7f9c8d6-tq2lz");
        Assert.Contains(names.Samples, s => s.Label("__name__") == "kserve_inference_pool_ready_pods");

        var dashboard = await client.QueryAsync("sum by (model_name) (vllm:num_requests_running{namespace=\"my-first-model\"})", null, default);
        Assert.True(dashboard.Ok);
        Assert.Empty(dashboard.Samples);

        var up = await client.QueryAsync("up{namespace=~\"my-first-model\"}", null, default);
        Assert.Equal(2, up.Samples.Count);
        Assert.All(up.Samples, s => Assert.Equal(1, s.Value));

        var gpu = await client.QueryAsync("count by (Hostname, node, kubernetes_node, instance, exported_instance) (DCGM_FI_DEV_GPU_UTIL)", null, default);
        Assert.Single(gpu.Samples);
    }

    [Fact]
    public async Task Grafana_health_and_datasource_health_answer_ok()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(Cluster.GrafanaUrl, "/api/health"))).StatusCode);
        using var response = await http.GetAsync(new Uri(Cluster.GrafanaUrl, "/api/datasources/uid/prometheus/health"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"OK\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(Cluster.GrafanaUrl, "/api/datasources/uid/nope/health"))).StatusCode);
    }

    [Fact]
    public void Service_addresses_cover_the_epp_the_workload_and_thanos()
    {
        Assert.Equal("https", Cluster.ServiceAddresses["qwen3-0-6b-kserve-workload-svc.my-first-model.svc.cluster.local:8000"].Scheme);
        Assert.Equal("http", Cluster.ServiceAddresses["qwen3-0-6b-epp-service.my-first-model.svc.cluster.local:9003"].Scheme);
        Assert.Equal(Cluster.PrometheusUrl, Cluster.ServiceAddresses["thanos-querier.openshift-monitoring.svc.cluster.local:9091"]);
        Assert.True(File.Exists(Cluster.KubeconfigPath));
        Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(Cluster.CaFile), StringComparison.Ordinal);
    }

    private PrometheusClient Prometheus() =>
        new(new ApiEndpointSettings { Url = Cluster.PrometheusUrl, CaFile = Cluster.CaFile, Credential = ApiCredential.Bearer(Cluster.PrometheusToken) }, TimeSpan.FromSeconds(5), 1 << 20);
}

public sealed class HealthyLivePathTests(HealthyFixture fixture) : IClassFixture<HealthyFixture>
{
    [Fact]
    public async Task Dashboard_queries_find_unrenamed_vllm_series()
    {
        using var client = new PrometheusClient(new ApiEndpointSettings
        {
            Url = fixture.Cluster.PrometheusUrl,
            CaFile = fixture.Cluster.CaFile,
            Credential = ApiCredential.Bearer(fixture.Cluster.PrometheusToken),
        }, TimeSpan.FromSeconds(5), 1 << 20);

        var running = await client.QueryAsync("sum by (model_name) (vllm:num_requests_running{namespace=\"my-first-model\"})", null, default);
        Assert.Equal("Qwen/Qwen3-0.6B", Assert.Single(running.Samples).Label("model_name"));

        var ttft = await client.QueryAsync("histogram_quantile(0.95, sum(rate(vllm:time_to_first_token_seconds_bucket{namespace=\"my-first-model\"}[5m])) by (le))", null, default);
        Assert.True(ttft.Ok, ttft.Error);
        Assert.Equal(0.06, Assert.Single(ttft.Samples).Value, 3);

        var both = await client.QueryAsync("count({__name__=~\"(kserve_)?vllm:num_requests_running\"})", null, default);
        Assert.Equal(2, Assert.Single(both.Samples).Value);

        var tenancy = await client.QueryAsync("count(up)", "openshift-monitoring", default);
        Assert.Empty(tenancy.Samples);
    }

    [Fact]
    public async Task Bad_promql_is_a_400_bad_data()
    {
        using var http = Clients.Trusting(fixture.Cluster.CaFile);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Cluster.PrometheusUrl, "/api/v1/query?query=" + Uri.EscapeDataString("sum(")));
        request.Headers.Authorization = new("Bearer", fixture.Cluster.PrometheusToken);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"errorType\":\"bad_data\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
