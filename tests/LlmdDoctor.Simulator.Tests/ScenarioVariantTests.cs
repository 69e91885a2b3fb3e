using System.Net;
using LlmdDoctor.Monitoring;
using LlmdDoctor.Monitoring.Clients;

namespace LlmdDoctor.Simulator.Tests;

public sealed class MonitoringBrokenFixture() : ClusterFixture("monitoring-broken");

public sealed class NoReadyPodsGatewayTests(NoReadyPodsFixture fixture) : IClassFixture<NoReadyPodsFixture>
{
    [Fact]
    public async Task Chat_gets_the_epp_503_and_models_gets_envoy_no_healthy_upstream()
    {
        using var client = fixture.TrustingClient();
        var gateway = fixture.Gateway("openshift-ai-inference");
        using var chat = await client.PostAsync(new Uri(gateway, "/my-first-model/qwen3-0-6b/v1/chat/completions"), Clients.Json(Clients.Chat));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        Assert.Equal("inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request", await chat.Content.ReadAsStringAsync());

        using var models = await client.GetAsync(new Uri(gateway, "/my-first-model/qwen3-0-6b/v1/models"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, models.StatusCode);
        Assert.Equal("no healthy upstream", await models.Content.ReadAsStringAsync());
    }
}

public sealed class MonitoringBrokenTests(MonitoringBrokenFixture fixture) : IClassFixture<MonitoringBrokenFixture>
{
    [Fact]
    public async Task Targets_are_down_no_workload_or_gpu_series_exist_and_grafana_reports_the_datasource_error()
    {
        using var client = new PrometheusClient(new ApiEndpointSettings
        {
            Url = fixture.Cluster.PrometheusUrl,
            CaFile = fixture.Cluster.CaFile,
            Credential = ApiCredential.Bearer(fixture.Cluster.PrometheusToken),
        }, TimeSpan.FromSeconds(5), 1 << 20);

        var up = await client.QueryAsync("up{namespace=~\"my-first-model\"}", null, default);
        Assert.Equal(2, up.Samples.Count);
        Assert.All(up.Samples, s => Assert.Equal(0, s.Value));
        var workload = await client.QueryAsync("count by (__name__, namespace, pod) ({__name__=~\"(kserve_)?(vllm:.+|inference_(model|objective|pool|extension)_.+)\", namespace=~\"my-first-model\"})", null, default);
        Assert.True(workload.Ok);
        Assert.Empty(workload.Samples);
        Assert.Empty((await client.QueryAsync("DCGM_FI_DEV_GPU_UTIL", null, default)).Samples);

        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(fixture.Cluster.GrafanaUrl, "/api/datasources/uid/prometheus/health"));
        Assert.Equal(HttpStatusCode.BadRequest, health.StatusCode);
        Assert.Contains("\"status\":\"ERROR\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serving_still_works()
    {
        using var client = fixture.TrustingClient();
        using var chat = await client.PostAsync(new Uri(fixture.Gateway("openshift-ai-inference"), "/my-first-model/qwen3-0-6b/v1/chat/completions"), Clients.Json(Clients.Chat));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }
}

public sealed class RequireAuthTests
{
    [Fact]
    public async Task A_gateway_that_requires_auth_answers_401_with_www_authenticate_unless_a_credential_is_sent()
    {
        var seed = ScenarioCatalog.Load("seed-rhoai");
        var spec = System.Text.Json.Nodes.JsonNode.Parse("""
            {"description": "seed with an AuthPolicy on maas-gateway",
             "behaviour": {"gateways": {"openshift-ingress/maas-gateway": {"eppTls": "untrusted", "requireAuth": true}},
                           "models": {"my-first-model/qwen3-0-6b": {"vllmErrorShape": "flat", "servedModelName": "Qwen/Qwen3-0.6B", "readyPods": 1}},
                           "metrics": {"prefix": "kserve_vllm"}}}
            """)!.AsObject();
        await using var cluster = await SimulatedCluster.StartAsync(new Scenario("seed-auth", spec, seed.Objects, seed.BundleFiles));
        using var client = Clients.Trusting(cluster.CaFile);
        var url = new Uri(cluster.GatewayAddresses["openshift-ingress/maas-gateway"][0], "/my-first-model/qwen3-0-6b/v1/models");

        using var denied = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("Bearer", denied.Headers.WwwAuthenticate.Single().Scheme);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new("Bearer", "any-token");
        using var allowed = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
