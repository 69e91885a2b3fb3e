using System.Text.Json.Nodes;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Envoy.Admin;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>A bundle's <c>envoy/&lt;ns&gt;/&lt;pod&gt;/</c> is mapped to the Gateway the pod serves, whatever implementation deployed it.</summary>
public sealed class EnvoyBundlePodMappingTests
{
    private const string Gateway = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"inference-gateway","namespace":"llm-d"},"spec":{"gatewayClassName":"eg"}}""";

    private static ClusterSnapshot Snapshot(params string[] json)
    {
        var builder = new ClusterSnapshotBuilder();
        foreach (var j in json)
        {
            builder.Add(JsonNode.Parse(j), "test");
        }

        return builder.Build();
    }

    public static TheoryData<string, string[], string, string, string, string> Rows() => new()
    {
        { "istio automated: gateway-name label", [Gateway, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"gw-pod","namespace":"llm-d","labels":{"gateway.networking.k8s.io/gateway-name":"inference-gateway"}}}"""],
            "llm-d", "gw-pod", "llm-d", "inference-gateway" },
        { "envoy gateway: proxy in envoy-gateway-system", [Gateway,
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"envoy-llm-d-inference-gateway-1a2b","namespace":"envoy-gateway-system","labels":{"gateway.envoyproxy.io/owning-gateway-name":"inference-gateway","gateway.envoyproxy.io/owning-gateway-namespace":"llm-d"}}}"""],
            "envoy-gateway-system", "envoy-llm-d-inference-gateway-1a2b", "llm-d", "inference-gateway" },
        { "istio manual: pod of the ingress gateway Service", [
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"inference-gateway","namespace":"llm-d"},"spec":{"gatewayClassName":"istio","addresses":[{"type":"Hostname","value":"istio-ingressgateway.istio-system.svc.cluster.local"}]}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"istio-ingressgateway","namespace":"istio-system"},"spec":{"selector":{"istio":"ingressgateway"}}}""",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"istio-ingressgateway-5d","namespace":"istio-system","labels":{"istio":"ingressgateway"}}}"""],
            "istio-system", "istio-ingressgateway-5d", "llm-d", "inference-gateway" },
        { "no pod object: istio's deployment name", [Gateway], "llm-d", "inference-gateway-istio-6f7c", "llm-d", "inference-gateway" },
        { "maps to no gateway: kept under its own name", [Gateway], "other", "some-envoy-0", "other", "some-envoy-0" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Pods_map_to_the_gateway_they_serve(string row, string[] objects, string podNs, string pod, string gatewayNs, string gateway)
    {
        var actual = EnvoyBundleReader.GatewayOfPod(Snapshot(objects), podNs, pod);
        Assert.True((gatewayNs, gateway) == actual, $"{row}: got {actual}");
    }

    [Fact]
    public void A_dump_of_a_pod_that_maps_to_no_gateway_is_still_read()
    {
        var root = Directory.CreateTempSubdirectory("llmd-envoy-");
        try
        {
            var podDir = Directory.CreateDirectory(Path.Combine(root.FullName, "envoy-gateway-system", "envoy-unknown-0"));
            File.WriteAllText(Path.Combine(podDir.FullName, "config_dump.json"), """{"configs":[]}""");
            var bundle = EnvoyBundleReader.Read(root.FullName, Snapshot(Gateway));
            var data = Assert.Single(bundle.Gateways);
            Assert.Equal(("envoy-gateway-system", "envoy-unknown-0", "envoy-unknown-0"), (data.GatewayNamespace, data.GatewayName, data.PodName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
