using System.Text.Json.Nodes;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Tests.Cluster;

namespace LlmdDoctor.Core.Tests.Envoy;

/// <summary>Which gateways an EnvoyFilter reaches, and what it does to ext_proc.</summary>
public sealed class EnvoyFilterSelectionTests
{
    internal static string Filter(string ns, string spec, string name = "fix") =>
        $$"""{"apiVersion":"networking.istio.io/v1alpha3","kind":"EnvoyFilter","metadata":{"name":"{{name}}","namespace":"{{ns}}"},"spec":{{spec}}}""";

    internal const string RoutePatch = """
        {"applyTo":"HTTP_ROUTE","match":{"context":"GATEWAY","routeConfiguration":{"vhost":{"route":{"name":"my-first-model.qwen3-0-6b-kserve-route.1"}}}},
         "patch":{"operation":"MERGE","value":{"typed_per_filter_config":{"envoy.filters.http.ext_proc":{
           "@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute",
           "overrides":{"processing_mode":{"request_header_mode":"SEND","response_header_mode":"SEND","request_body_mode":"BUFFERED","response_body_mode":"BUFFERED"},
             "grpc_service":{"envoy_grpc":{"cluster_name":"outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local"}}}}}}}}
        """;

    private const string Selector = """{"labels":{"gateway.networking.k8s.io/gateway-name":"openshift-ai-inference"}}""";

    public static TheoryData<string, string, bool> Selection => new()
    {
        { "same namespace, matching selector", Filter("openshift-ingress", $$"""{"workloadSelector":{{Selector}},"configPatches":[{{RoutePatch}}]}"""), true },
        { "selector for another gateway", Filter("openshift-ingress", $$$"""{"workloadSelector":{"labels":{"gateway.networking.k8s.io/gateway-name":"maas-gateway"}},"configPatches":[{{{RoutePatch}}}]}"""), false },
        { "extra label the pod lacks", Filter("openshift-ingress", $$$"""{"workloadSelector":{"labels":{"gateway.networking.k8s.io/gateway-name":"openshift-ai-inference","x":"y"}},"configPatches":[{{{RoutePatch}}}]}"""), false },
        { "other namespace", Filter("my-first-model", $$"""{"workloadSelector":{{Selector}},"configPatches":[{{RoutePatch}}]}"""), false },
        { "root namespace", Filter("istio-system", $$"""{"workloadSelector":{{Selector}},"configPatches":[{{RoutePatch}}]}"""), true },
        { "no selector: the whole namespace", Filter("openshift-ingress", $$"""{"configPatches":[{{RoutePatch}}]}"""), true },
        { "targetRefs to the Gateway", Filter("openshift-ingress", $$"""{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"openshift-ai-inference"}],"configPatches":[{{RoutePatch}}]}"""), true },
        { "targetRefs to another Gateway", Filter("openshift-ingress", $$"""{"targetRefs":[{"kind":"Gateway","name":"maas-gateway"}],"configPatches":[{{RoutePatch}}]}"""), false },
    };

    [Theory]
    [MemberData(nameof(Selection))]
    public void Selects_gateways_as_Istio_does(string name, string filter, bool selects)
    {
        var cluster = new ClusterFixture().Add(filter).Snapshot();
        var gateway = cluster.FindGateway("openshift-ingress", "openshift-ai-inference")!;
        var result = EnvoyFilterSelection.Selects(cluster.EnvoyFilters[0], gateway, EnvoyFilterSelection.GatewayPodLabels(cluster, gateway), EnvoyFilterSelection.RootNamespaces(cluster));
        Assert.True(selects == result, name);
    }

    public static TheoryData<string, string, bool, string> Patches => new()
    {
        { "HTTP_ROUTE override to BUFFERED", RoutePatch, true, "BUFFERED" },
        { "HTTP_FILTER on ext_proc, camelCase", """
            {"applyTo":"HTTP_FILTER","match":{"context":"GATEWAY","listener":{"filterChain":{"filter":{"name":"envoy.filters.network.http_connection_manager","subFilter":{"name":"envoy.filters.http.ext_proc"}}}}},
             "patch":{"operation":"MERGE","value":{"typedConfig":{"@type":"type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor","processingMode":{"requestBodyMode":"STREAMED"}}}}}
            """, true, "STREAMED" },
        { "sidecar-only patch", RoutePatch.Replace("\"GATEWAY\"", "\"SIDECAR_INBOUND\"", StringComparison.Ordinal), false, "BUFFERED" },
        { "a patch that keeps FULL_DUPLEX_STREAMED", RoutePatch.Replace("\"BUFFERED\"", "\"FULL_DUPLEX_STREAMED\"", StringComparison.Ordinal), false, "" },
        { "an unrelated Lua filter", """{"applyTo":"HTTP_FILTER","match":{"context":"GATEWAY"},"patch":{"operation":"INSERT_BEFORE","value":{"name":"envoy.filters.http.lua"}}}""", false, "" },
    };

    [Theory]
    [MemberData(nameof(Patches))]
    public void Recognises_ext_proc_body_mode_workarounds(string name, string patch, bool workaround, string patchedMode)
    {
        var cluster = new ClusterFixture().Add(Filter("openshift-ingress", $$"""{"configPatches":[{{patch}}]}""")).Snapshot();
        var view = EnvoyFilterExtProcView.Of(cluster.EnvoyFilters[0]);
        Assert.True(workaround == view.IsBodyModeWorkaround, name);
        Assert.Equal(patchedMode, view.PatchedMode);
        _ = JsonNode.Parse(patch);
    }
}
