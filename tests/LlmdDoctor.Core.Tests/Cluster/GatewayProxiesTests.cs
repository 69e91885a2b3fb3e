using System.Text.Json.Nodes;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

/// <summary>Which pods serve a Gateway and where their Envoy admin listens, by each implementation's convention.</summary>
public sealed class GatewayProxiesTests
{
    public static TheoryData<string, Func<ClusterFixture, ClusterFixture>, GatewayDeployment, string[], int> Rows() => new()
    {
        { "istio automated deployment", f => f, GatewayDeployment.IstioAutomated, ["openshift-ingress/openshift-ai-inference-abc"], 15000 },
        { "istio manual deployment (spec.addresses → ingress gateway Service)", f => ClusterChecksTests.ManualIstio(f, ready: true),
            GatewayDeployment.IstioManual, ["istio-system/istio-ingressgateway-7c9"], 15000 },
        { "istio manual deployment by short Service name", f => ClusterChecksTests.ManualIstio(f, ready: true)
            .Mutate("Gateway", "openshift-ai-inference", o => o["spec"]!["addresses"]![0]!["value"] = "istio-ingressgateway")
            .Mutate("Service", "istio-ingressgateway", o => o["metadata"]!["namespace"] = "openshift-ingress")
            .Mutate("Pod", "istio-ingressgateway-7c9", o => o["metadata"]!["namespace"] = "openshift-ingress"),
            GatewayDeployment.IstioManual, ["openshift-ingress/istio-ingressgateway-7c9"], 15000 },
        { "istio manual deployment naming a Service that is not there", f => ClusterChecksTests.ManualIstio(f, ready: true).Remove("Service", "istio-ingressgateway"),
            GatewayDeployment.Unknown, [], 15000 },
        { "one IP address is still the automated deployment", f => f.Mutate("Gateway", "openshift-ai-inference",
            o => o["spec"]!["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "10.0.0.9" })),
            GatewayDeployment.IstioAutomated, ["openshift-ingress/openshift-ai-inference-abc"], 15000 },
        { "envoy gateway", f => ClusterChecksTests.EnvoyGateway(f, ready: true, merged: false),
            GatewayDeployment.EnvoyGateway, ["envoy-gateway-system/envoy-openshift-ingress-openshift-ai-inference-5f4"], 19000 },
        { "envoy gateway with merged gateways", f => ClusterChecksTests.EnvoyGateway(f, ready: true, merged: true),
            GatewayDeployment.EnvoyGatewayMerged, ["envoy-gateway-system/envoy-openshift-ingress-openshift-ai-inference-5f4"], 19000 },
        { "envoy gateway proxy of another gateway is not ours", f => ClusterChecksTests.EnvoyGateway(f, ready: true, merged: false)
            .Mutate("Pod", "envoy-openshift-ingress-openshift-ai-inference-5f4", o => o["metadata"]!["labels"]!["gateway.envoyproxy.io/owning-gateway-namespace"] = "elsewhere"),
            GatewayDeployment.Unknown, [], 19000 },
        { "an istio class never takes envoy gateway pods", f => ClusterChecksTests.EnvoyGateway(f, ready: true, merged: false)
            .Mutate("GatewayClass", "openshift-ai-inference", o => o["spec"]!["controllerName"] = "openshift.io/gateway-controller/v1"),
            GatewayDeployment.Unknown, [], 15000 },
        { "no pods at all", f => f.Remove("Pod", "openshift-ai-inference-abc"), GatewayDeployment.Unknown, [], 15000 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Gateway_pods_are_found_by_the_implementations_conventions(string row, Func<ClusterFixture, ClusterFixture> arrange, GatewayDeployment deployment, string[] pods, int adminPort)
    {
        var snapshot = arrange(new ClusterFixture()).Snapshot();
        var proxies = GatewayProxies.Of(snapshot, snapshot.FindGateway("openshift-ingress", "openshift-ai-inference")!);
        Assert.True(deployment == proxies.Deployment, $"{row}: deployment {proxies.Deployment}");
        Assert.True(pods.SequenceEqual(proxies.Pods.Select(p => p.Metadata.Key)), $"{row}: pods {string.Join(",", proxies.Pods.Select(p => p.Metadata.Key))}");
        Assert.True(adminPort == proxies.AdminPort, $"{row}: admin port {proxies.AdminPort}");
        Assert.True(pods.Length > 0 || proxies.Looked.Length > 0, $"{row}: says what it looked for");
    }
}
