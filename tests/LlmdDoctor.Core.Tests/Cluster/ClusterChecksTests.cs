using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

/// <summary>One grid over the structural checks: each row breaks one thing; the healthy rows expect nothing.</summary>
public sealed class ClusterChecksTests
{
    private const string Gw = "Gateway openshift-ingress/openshift-ai-inference";
    private const string Route = "HTTPRoute my-first-model/qwen3-0-6b-kserve-route";

    public static TheoryData<string, ICheck, Func<ClusterFixture, ClusterFixture>, string[]> Rows() => new()
    {
        // LLMD0101 GatewayNotReady
        { "gateway healthy", new GatewayNotReadyCheck(), f => f, [] },
        { "gateway not programmed", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference",
            o => o["status"]!["conditions"]![1]!["status"] = "False"), [$"LLMD0101 {Gw}"] },
        { "gateway without address", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference",
            o => o["status"]!["addresses"] = new JsonArray()), [$"LLMD0101 {Gw}"] },
        { "gateway pod not ready", new GatewayNotReadyCheck(), f => f.Mutate("Pod", "openshift-ai-inference-abc",
            o => o["status"]!["conditions"]![0]!["status"] = "False"), [$"LLMD0101 {Gw}"] },
        { "programmed gateway whose pods are not found: its status is the word", new GatewayNotReadyCheck(), f => f.Remove("Pod", "openshift-ai-inference-abc"), [] },
        { "gateway neither programmed nor with pods", new GatewayNotReadyCheck(), f => f.Remove("Pod", "openshift-ai-inference-abc").Mutate("Gateway", "openshift-ai-inference",
            o => o["status"]!["conditions"]![1]!["status"] = "False"), [$"LLMD0101 {Gw}"] },
        { "status for the current generation", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference", o =>
            {
                o["metadata"]!["generation"] = 3;
                o["status"]!["conditions"]![0]!["observedGeneration"] = 3;
                o["status"]!["conditions"]![1]!["observedGeneration"] = 3;
            }), [] },
        { "programmed for an older generation", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference", o =>
            {
                o["metadata"]!["generation"] = 3;
                o["status"]!["conditions"]![0]!["observedGeneration"] = 3;
                o["status"]!["conditions"]![1]!["observedGeneration"] = 2;
            }), [$"LLMD0101 {Gw}"] },
        { "manifest without status (never reconciled): not collected", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference",
            o => o.Remove("status")), [] },
        { "live gateway without status: no controller answered", new GatewayNotReadyCheck(), f => f.Mutate("Gateway", "openshift-ai-inference", o =>
            {
                o.Remove("status");
                o["metadata"]!["uid"] = "6b1f0c2e-1111-4c4c-9a9a-000000000001";
            }), [$"LLMD0101 {Gw}"] },
        { "istio manual deployment, ingress pod ready", new GatewayNotReadyCheck(), f => ManualIstio(f, ready: true), [] },
        { "istio manual deployment, ingress pod not ready", new GatewayNotReadyCheck(), f => ManualIstio(f, ready: false), [$"LLMD0101 {Gw}"] },
        { "envoy gateway, proxy ready", new GatewayNotReadyCheck(), f => EnvoyGateway(f, ready: true, merged: false), [] },
        { "envoy gateway, proxy not ready", new GatewayNotReadyCheck(), f => EnvoyGateway(f, ready: false, merged: false), [$"LLMD0101 {Gw}"] },
        { "envoy gateway merged, proxy not ready", new GatewayNotReadyCheck(), f => EnvoyGateway(f, ready: false, merged: true), [$"LLMD0101 {Gw}"] },

        // LLMD0102 HTTPRouteNotAccepted
        { "route healthy", new HttpRouteNotAcceptedCheck(), f => f, [] },
        { "route not accepted", new HttpRouteNotAcceptedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => o["status"]!["parents"]![0]!["conditions"]![0]!["status"] = "False"), [$"LLMD0102 {Route}"] },
        { "route refs unresolved", new HttpRouteNotAcceptedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => o["status"]!["parents"]![0]!["conditions"]![1]!["status"] = "False"), [$"LLMD0102 {Route}"] },
        { "live route without status: no controller answered", new HttpRouteNotAcceptedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => { o.Remove("status"); o["metadata"]!["resourceVersion"] = "4711"; }), [$"LLMD0102 {Route}"] },
        { "route manifest without status (never reconciled): not collected", new HttpRouteNotAcceptedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => o.Remove("status")), [] },
        { "route to an absent gateway is not this check's business", new HttpRouteNotAcceptedCheck(), f => f.Mutate("HTTPRoute", "qwen3-0-6b-kserve-route",
            o => { o["spec"]!["parentRefs"]![0]!["name"] = "elsewhere"; o.Remove("status"); }), [] },

        // LLMD0103 RouteBackendMissing
        { "backends healthy", new RouteBackendMissingCheck(), f => f, [] },
        { "route and service applied without namespace (both in default)", new RouteBackendMissingCheck(), f => f
            .Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o => o["metadata"]!.AsObject().Remove("namespace"))
            .Mutate("Service", "qwen3-0-6b-kserve-workload-svc", o => o["metadata"]!.AsObject().Remove("namespace"))
            .Mutate("InferencePool", "qwen3-0-6b-inference-pool", o => o["metadata"]!.AsObject().Remove("namespace")), [] },
        { "route without namespace, service elsewhere", new RouteBackendMissingCheck(), f => f
            .Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o => o["metadata"]!.AsObject().Remove("namespace")),
            ["LLMD0103 HTTPRoute default/qwen3-0-6b-kserve-route", "LLMD0103 HTTPRoute default/qwen3-0-6b-kserve-route",
             "LLMD0103 HTTPRoute default/qwen3-0-6b-kserve-route", "LLMD0103 HTTPRoute default/qwen3-0-6b-kserve-route",
             "LLMD0103 HTTPRoute default/qwen3-0-6b-kserve-route"] },
        { "service backend missing", new RouteBackendMissingCheck(), f => f.Remove("Service", "qwen3-0-6b-kserve-workload-svc"), [$"LLMD0103 {Route}"] },
        { "v1alpha2 pool missing", new RouteBackendMissingCheck(), f => f.Remove("InferencePool", "qwen3-0-6b-inference-pool", InferencePool.GroupV1Alpha2),
            [$"LLMD0103 {Route}", $"LLMD0103 {Route}"] },

        // LLMD0201 InferencePoolNotAccepted
        { "pool accepted (v1 pool without status gets no traffic)", new InferencePoolNotAcceptedCheck(), f => f, [] },
        { "pool not accepted", new InferencePoolNotAcceptedCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => o["status"]!["parent"]![0]!["conditions"]![0]!["status"] = "False", InferencePool.GroupV1Alpha2),
            ["LLMD0201 InferencePool my-first-model/qwen3-0-6b-inference-pool"] },
        { "live pool that receives traffic has no status", new InferencePoolNotAcceptedCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => { o.Remove("status"); o["metadata"]!["uid"] = "2c8e9a10-0000-4000-8000-000000000002"; }, InferencePool.GroupV1Alpha2),
            ["LLMD0201 InferencePool my-first-model/qwen3-0-6b-inference-pool"] },
        { "pool manifest without status (never reconciled): not collected", new InferencePoolNotAcceptedCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => o.Remove("status"), InferencePool.GroupV1Alpha2), [] },

        // LLMD0202 InferencePoolNoReadyEndpoints
        { "pool endpoints healthy", new InferencePoolNoReadyEndpointsCheck(), f => f, [] },
        { "model pod not ready", new InferencePoolNoReadyEndpointsCheck(), f => f.Mutate("Pod", "qwen3-0-6b-kserve-5d9f",
            o => o["status"]!["phase"] = "Pending"),
            ["LLMD0202 InferencePool my-first-model/qwen3-0-6b-inference-pool", "LLMD0202 InferencePool my-first-model/qwen3-0-6b-inference-pool"] },
        { "pool selector matches nothing", new InferencePoolNoReadyEndpointsCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => o["spec"]!["selector"] = new JsonObject { ["app"] = "nothing" }, InferencePool.GroupV1Alpha2),
            ["LLMD0202 InferencePool my-first-model/qwen3-0-6b-inference-pool"] },
        { "pool target port not served", new InferencePoolNoReadyEndpointsCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => o["spec"]!["targetPortNumber"] = 8080, InferencePool.GroupV1Alpha2),
            ["LLMD0202 InferencePool my-first-model/qwen3-0-6b-inference-pool"] },

        { "no Pod objects at all: pods not collected", new InferencePoolNoReadyEndpointsCheck(), NoPods, [] },

        // LLMD0203 EndpointPickerNotReady
        { "epp healthy", new EndpointPickerNotReadyCheck(), f => f, [] },
        { "epp service missing", new EndpointPickerNotReadyCheck(), f => f.Remove("Service", "qwen3-0-6b-epp-service"),
            ["LLMD0203 Service my-first-model/qwen3-0-6b-epp-service"] },
        { "epp pod not ready", new EndpointPickerNotReadyCheck(), f => f.Mutate("Pod", "qwen3-0-6b-kserve-router-scheduler-xyz",
            o => o["status"]!["conditions"]![0]!["status"] = "False"), ["LLMD0203 Service my-first-model/qwen3-0-6b-epp-service"] },
        { "pool picker port is not the epp grpc port", new EndpointPickerNotReadyCheck(), f => f.Mutate("InferencePool", "qwen3-0-6b-inference-pool",
            o => o["spec"]!["extensionRef"]!["portNumber"] = 9999, InferencePool.GroupV1Alpha2),
            ["LLMD0203 Service my-first-model/qwen3-0-6b-epp-service"] },

        { "no Pod objects at all: pod readiness not collected", new EndpointPickerNotReadyCheck(), NoPods, [] },
        { "no Pod objects, EPP Service missing: still reported", new EndpointPickerNotReadyCheck(), f => NoPods(f).Remove("Service", "qwen3-0-6b-epp-service"),
            ["LLMD0203 Service my-first-model/qwen3-0-6b-epp-service"] },

        // LLMD0206 InferencePoolApiMismatch
        { "istio 1.26.2 reads v1alpha2 (weight 100)", new InferencePoolApiMismatchCheck(), f => f, [] },
        { "istio 1.28 reads v1 but traffic goes to v1alpha2", new InferencePoolApiMismatchCheck(), f => f.Mutate("Istio", "default",
            o => o["spec"]!["version"] = "v1.28.1"), [$"LLMD0206 {Route}", $"LLMD0206 {Route}"] },
        { "istio 1.28 with traffic on v1", new InferencePoolApiMismatchCheck(), f => f
            .Mutate("Istio", "default", o => o["spec"]!["version"] = "v1.28.1")
            .Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o =>
            {
                foreach (var i in new[] { 0, 1 })
                {
                    o["spec"]!["rules"]![i]!["backendRefs"]![0]!["weight"] = 100;
                    o["spec"]!["rules"]![i]!["backendRefs"]![1]!["weight"] = 0;
                }
            }), [] },
    };

    /// <summary>A bundle of published manifests: no Pod objects at all.</summary>
    private static ClusterFixture NoPods(ClusterFixture f) => f
        .Remove("Pod", "openshift-ai-inference-abc").Remove("Pod", "qwen3-0-6b-kserve-router-scheduler-xyz").Remove("Pod", "qwen3-0-6b-kserve-5d9f");

    /// <summary>Istio manual deployment: the Gateway names the existing ingress gateway Service; its pods carry no gateway-name label.</summary>
    internal static ClusterFixture ManualIstio(ClusterFixture f, bool ready) => f
        .Remove("Pod", "openshift-ai-inference-abc")
        .Mutate("Gateway", "openshift-ai-inference", o => o["spec"]!["addresses"] = new JsonArray(
            new JsonObject { ["type"] = "Hostname", ["value"] = "istio-ingressgateway.istio-system.svc.cluster.local" }))
        .Add("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"istio-ingressgateway","namespace":"istio-system"},"spec":{"selector":{"istio":"ingressgateway"},"ports":[{"name":"http2","port":80}]}}""")
        .Add("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"istio-ingressgateway-7c9","namespace":"istio-system","labels":{"istio":"ingressgateway"}},"status":{"phase":"Running","conditions":[{"type":"Ready","status":""" + $"\"{(ready ? "True" : "False")}\"" + "}]}}");

    /// <summary>Envoy Gateway: the proxies live in envoy-gateway-system with owner labels (per Gateway, or per class when merged).</summary>
    internal static ClusterFixture EnvoyGateway(ClusterFixture f, bool ready, bool merged) => f
        .Remove("Pod", "openshift-ai-inference-abc")
        .Add("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"openshift-ai-inference"},"spec":{"controllerName":"gateway.envoyproxy.io/gatewayclass-controller"}}""")
        .Add("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"envoy-openshift-ingress-openshift-ai-inference-5f4","namespace":"envoy-gateway-system","labels":"""
            + (merged
                ? """{"gateway.envoyproxy.io/owning-gatewayclass":"openshift-ai-inference"}"""
                : """{"gateway.envoyproxy.io/owning-gateway-name":"openshift-ai-inference","gateway.envoyproxy.io/owning-gateway-namespace":"openshift-ingress"}""")
            + """},"status":{"phase":"Running","conditions":[{"type":"Ready","status":""" + $"\"{(ready ? "True" : "False")}\"" + "}]}}");

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Structural_checks(string row, ICheck check, Func<ClusterFixture, ClusterFixture> arrange, string[] expected)
    {
        var actual = await ClusterFixture.RunAsync(check, arrange(new ClusterFixture()));
        Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(actual), $"{row}: expected [{string.Join("; ", expected)}] got [{string.Join("; ", actual)}]");
    }

    [Fact]
    public async Task Unknown_istio_version_is_a_skip_not_healthy()
    {
        var fixture = new ClusterFixture().Remove("Istio", "default");
        var run = await new CheckRunner().RunAsync([new InferencePoolApiMismatchCheck()], fixture.Inputs());
        Assert.Empty(run.Findings);
        Assert.Contains("Istio version is unknown", Assert.Single(run.Skipped).Reason);
    }

    [Theory]
    [InlineData("route", "is a manifest without status")]
    [InlineData("pool", "is a manifest without status")]
    [InlineData("endpoints", "pods not collected")]
    [InlineData("epp", "pods not collected")]
    public async Task Status_and_pods_that_were_never_collected_are_skips_with_the_reason(string row, string reason)
    {
        var (check, fixture) = row switch
        {
            "route" => ((ICheck)new HttpRouteNotAcceptedCheck(), new ClusterFixture().Mutate("HTTPRoute", "qwen3-0-6b-kserve-route", o => o.Remove("status"))),
            "pool" => (new InferencePoolNotAcceptedCheck(), new ClusterFixture().Mutate("InferencePool", "qwen3-0-6b-inference-pool", o => o.Remove("status"), InferencePool.GroupV1Alpha2)),
            "endpoints" => (new InferencePoolNoReadyEndpointsCheck(), NoPods(new ClusterFixture())),
            _ => (new EndpointPickerNotReadyCheck(), NoPods(new ClusterFixture())),
        };
        var run = await new CheckRunner().RunAsync([check], fixture.Inputs());
        Assert.Empty(run.Findings);
        Assert.Contains(reason, Assert.Single(run.Skipped).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest without status", "is a manifest without status")]
    [InlineData("programmed, pods not found", "is Programmed but its Envoy pods were not found")]
    public async Task Gateway_readiness_that_cannot_be_concluded_is_a_skip_with_the_reason(string row, string reason)
    {
        var fixture = row == "manifest without status"
            ? new ClusterFixture().Mutate("Gateway", "openshift-ai-inference", o => o.Remove("status"))
            : new ClusterFixture().Remove("Pod", "openshift-ai-inference-abc");
        var run = await new CheckRunner().RunAsync([new GatewayNotReadyCheck()], fixture.Inputs());
        Assert.Empty(run.Findings);
        Assert.Contains(reason, Assert.Single(run.Skipped).Reason);
    }

    [Fact]
    public async Task The_healthy_fixture_produces_no_finding_from_any_structural_check()
    {
        var run = await new CheckRunner().RunAsync(ClusterChecks.All, new ClusterFixture().Inputs());
        Assert.Empty(run.Findings);
        Assert.Empty(run.Skipped);
    }
}
