using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Probes.Tests;

/// <summary>Request flows shaped like KServe's route: rule 0 /v1/completions and rule 1 /v1/chat/completions → pool, rule 2 catch-all → Service.</summary>
internal static class TestFlows
{
    public static readonly Gateway Gateway = new() { Metadata = new ObjectMeta { Namespace = "openshift-ingress", Name = "maas-gateway" } };

    public static List<RequestFlow> KServe(string prefix, string? baseUrl, string? model = TestGateway.Model, Gateway? gateway = null)
    {
        var name = prefix.Trim('/').Replace('/', '-');
        var route = new HttpRoute { Metadata = new ObjectMeta { Namespace = "llm", Name = $"{name}-kserve-route" } };
        var pool = new FlowBackend(BackendKind.InferencePool, "inference.networking.x-k8s.io", "llm", $"{name}-inference-pool", null, 1, true);
        var service = new FlowBackend(BackendKind.Service, "", "llm", $"{name}-kserve-workload-svc", 8000, 1, true);
        RequestFlow Rule(int index, string pathPrefix, FlowBackend backend) => new()
        {
            Gateway = gateway ?? Gateway,
            Route = route,
            RuleIndex = index,
            EnvoyRouteName = $"llm.{route.Metadata.Name}.{index}",
            Match = FlowMatch.Prefix(pathPrefix),
            ApiPrefix = RequestFlowMap.ApiPrefixOf(pathPrefix),
            Backends = [backend],
            Model = model,
            BaseUrl = baseUrl,
        };

        return [Rule(0, $"{prefix}/v1/completions", pool), Rule(1, $"{prefix}/v1/chat/completions", pool), Rule(2, prefix, service)];
    }

    /// <summary>A non-model route on the same gateway (a dashboard): must not be probed.</summary>
    public static RequestFlow Dashboard(string? baseUrl) => new()
    {
        Gateway = Gateway,
        Route = new HttpRoute { Metadata = new ObjectMeta { Namespace = "redhat-ods-applications", Name = "dashboard" } },
        RuleIndex = 0,
        EnvoyRouteName = "redhat-ods-applications.dashboard.0",
        Match = FlowMatch.Any,
        ApiPrefix = "",
        Backends = [new FlowBackend(BackendKind.Service, "", "redhat-ods-applications", "dashboard", 8443, 1, true)],
        BaseUrl = baseUrl,
    };
}
