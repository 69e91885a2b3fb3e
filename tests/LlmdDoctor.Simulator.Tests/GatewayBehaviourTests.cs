using System.Net;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>The seed story, end to end through the simulated gateways (domain-facts §1.5).</summary>
public sealed class SeedGatewayTests(SeedFixture fixture) : IClassFixture<SeedFixture>
{
    private const string Prefix = "/my-first-model/qwen3-0-6b";

    [Fact]
    public async Task Models_through_maas_gateway_answers_200_from_the_workload_service()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.GetAsync(new Uri(fixture.Gateway("maas-gateway"), Prefix + "/v1/models"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"id\":\"Qwen/Qwen3-0.6B\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("istio-envoy", response.Headers.Server.ToString());
        Assert.True(response.Headers.Contains("x-envoy-upstream-service-time"));
    }

    [Fact]
    public async Task Chat_through_maas_gateway_loses_the_body_and_vllm_answers_400_field_required()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("maas-gateway"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Field required", body, StringComparison.Ordinal);
        Assert.StartsWith("{\"object\":\"error\"", body, StringComparison.Ordinal); // flat shape: vLLM before 0.10.1
        Assert.False(response.Headers.Contains("x-went-into-resp-headers"));
    }

    [Fact]
    public async Task Chat_through_openshift_ai_inference_answers_200_without_the_epp_marker()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("x-went-into-resp-headers"));
        var log = fixture.Cluster.Gateways.Single(g => g.Name == "openshift-ai-inference").Log;
        Assert.Contains(log, l => l.Contains("BUFFERED", StringComparison.Ordinal) && l.Contains("fail-open, body kept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Completions_through_maas_gateway_also_lose_the_body()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("maas-gateway"), Prefix + "/v1/completions"),
            Clients.Json("""{"model":"Qwen/Qwen3-0.6B","prompt":"hi","max_tokens":2}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Field required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_path_is_404_with_no_body()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.GetAsync(new Uri(fixture.Gateway("maas-gateway"), "/nothing/here"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("istio-envoy", response.Headers.Server.ToString());
    }

    [Fact]
    public async Task Unknown_model_through_the_service_route_is_vllm_404_not_found()
    {
        using var client = fixture.TrustingClient();
        // Rule .2 (catch-all) goes straight to the workload Service, so the body arrives.
        using var response = await client.PostAsync(new Uri(fixture.Gateway("maas-gateway"), Prefix + "/v1/embeddings"), Clients.Json("""{"model":"nope"}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class HealthyGatewayTests(HealthyFixture fixture) : IClassFixture<HealthyFixture>
{
    private const string Prefix = "/my-first-model/qwen3-0-6b";

    [Fact]
    public async Task Chat_answers_200_with_the_epp_marker()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json(Clients.Chat));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-went-into-resp-headers")));
        Assert.Contains("\"finish_reason\":\"length\"", body, StringComparison.Ordinal); // max_tokens 3 honoured
        var log = fixture.Cluster.Gateways.Single().Log;
        Assert.Contains(log, l => l.Contains("EPP picked 10.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Body_that_is_not_json_gets_the_epp_immediate_400()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("openshift-ai-inference"), Prefix + "/v1/chat/completions"), Clients.Json("{not json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("inference gateway: BadRequest - Error unmarshaling request body", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Empty_post_has_no_body_for_the_epp_and_vllm_answers_nested_field_required()
    {
        using var client = fixture.TrustingClient();
        using var response = await client.PostAsync(new Uri(fixture.Gateway("openshift-ai-inference"), Prefix + "/v1/chat/completions"), new ByteArrayContent([]));
        var body = await response.Content.ReadAsStringAsync();

        // end_of_stream on the headers: the EPP picks at once and vLLM sees no body (nested shape, vLLM >= 0.10.1).
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("{\"error\":{", body, StringComparison.Ordinal);
        Assert.Contains("Field required", body, StringComparison.Ordinal);
    }
}
