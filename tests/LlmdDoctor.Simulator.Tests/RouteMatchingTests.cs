using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator.Gateway;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>
/// HTTPRoute matches as the simulated gateway applies them: path types, headers (e.g. KServe's
/// <c>X-Gateway-Model-Name</c> header-only rules), method and query parameters, in the order Istio gives Envoy
/// (conversion.go sortHTTPRoutes @1.27.0) with ties kept in HTTPRoute creation order.
/// </summary>
public sealed class RouteMatchingTests
{
    private const string Objects = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: infra}
        spec:
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: older, namespace: models, creationTimestamp: "2025-01-01T00:00:00Z"}
        spec:
          parentRefs: [{name: gw, namespace: infra}]
          rules:
          - name: by-model-header
            matches:
            - headers: [{name: X-Gateway-Model-Name, value: model-a}]
          - matches:
            - path: {type: PathPrefix, value: /v1}
              method: POST
          - matches:
            - path: {type: Exact, value: /v1/models}
          - matches:
            - path: {type: RegularExpression, value: "/v1/[a-z]+/stats"}
          - matches:
            - path: {type: PathPrefix, value: /v1}
              queryParams: [{name: debug, value: "1"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: newer, namespace: models, creationTimestamp: "2025-06-01T00:00:00Z"}
        spec:
          parentRefs: [{name: gw, namespace: infra}]
          rules:
          - name: same-header-later
            matches:
            - headers: [{name: X-Gateway-Model-Name, value: model-a}]
          - matches:
            - headers: [{name: X-Gateway-Model-Name, type: RegularExpression, value: "model-[b-c]"}]
        """;

    private static readonly GatewayRoutes Routes = new(
        new ClusterModel([.. YamlJson.ParseDocuments(Objects).OfType<JsonObject>()]), "infra", "gw");

    public static TheoryData<string, string, string, string?, string?, string?> Requests => new()
    {
        // why, method, path, header X-Gateway-Model-Name, query debug, expected Envoy route name (null: Envoy's 404)
        { "exact beats prefix", "GET", "/v1/models", null, null, "models.older.2" },
        { "method match before plain prefix", "POST", "/v1/chat/completions", null, null, "models.older.1" },
        { "query match on the same prefix", "GET", "/v1/chat/completions", null, "1", "models.older.4" },
        { "regex over the whole path", "GET", "/v1/pool/stats", null, null, "models.older.3" },
        { "header-only rule, earlier HTTPRoute wins the tie", "GET", "/anything", "model-a", null, "by-model-header" },
        { "header regex", "GET", "/anything", "model-c", null, "models.newer.1" },
        { "header names are case-insensitive in HTTP, values are not", "GET", "/anything", "Model-A", null, null },
        { "nothing matches: no header, no path rule", "GET", "/anything", null, null, null },
        { "regex must match the whole path", "GET", "/v1/pool/stats/extra", null, null, null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Picks_the_route_envoy_would(string why, string method, string path, string? model, string? debug, string? expected)
    {
        var match = Routes.Match(path, null, method,
            name => name.Equals("x-gateway-model-name", StringComparison.OrdinalIgnoreCase) ? model : null,
            name => name == "debug" ? debug : null);

        Assert.True(expected == match?.EnvoyRouteName, $"{why}: got {match?.EnvoyRouteName ?? "no route"}");
    }

    [Fact]
    public void Order_is_istio_s_exact_then_prefix_by_length_method_headers_query_then_regex_ties_by_creation_time()
    {
        Assert.Equal(
            ["models.older.2", "models.older.1", "models.older.4", "by-model-header", "same-header-later", "models.newer.1", "models.older.3"],
            Routes.All.Select(m => m.EnvoyRouteName));
    }
}
