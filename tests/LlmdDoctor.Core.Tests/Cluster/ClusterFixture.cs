using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

/// <summary>
/// A small, healthy llm-d cluster shaped like KServe's objects (domain-facts §5): one gateway with a ready pod,
/// a KServe HTTPRoute (rule 0 completions and rule 1 chat → InferencePool v1 weight 0 + v1alpha2 weight 100,
/// rule 2 → workload Service), both pool API groups, the EPP Service and pod, the vLLM pod, Istio 1.26.2.
/// Table rows mutate it to make one thing wrong.
/// </summary>
public sealed class ClusterFixture
{
    private readonly List<JsonObject> _objects = [.. Healthy().Select(j => (JsonObject)JsonNode.Parse(j)!)];

    public ClusterFixture Mutate(string kind, string name, Action<JsonObject> change, string? apiGroup = null)
    {
        var matches = _objects.Where(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name
            && (apiGroup is null || ((string?)o["apiVersion"])!.StartsWith(apiGroup + "/", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(matches);
        matches.ForEach(change);
        return this;
    }

    public ClusterFixture Remove(string kind, string name, string? apiGroup = null)
    {
        var removed = _objects.RemoveAll(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name
            && (apiGroup is null || ((string?)o["apiVersion"])!.StartsWith(apiGroup + "/", StringComparison.Ordinal)));
        Assert.True(removed > 0, $"no {kind} {name} in the fixture");
        return this;
    }

    public ClusterFixture Add(string json)
    {
        _objects.Add((JsonObject)JsonNode.Parse(json)!);
        return this;
    }

    public ClusterSnapshot Snapshot()
    {
        var builder = new ClusterSnapshotBuilder();
        foreach (var o in _objects)
        {
            builder.Add(o.DeepClone(), "fixture");
        }

        var snapshot = builder.Build();
        Assert.Empty(snapshot.Problems);
        return snapshot;
    }

    public DoctorInputs Inputs() => new()
    {
        Cluster = Snapshot(),
        States = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("fixture")),
    };

    public static async Task<IReadOnlyList<string>> RunAsync(ICheck check, ClusterFixture fixture)
    {
        var run = await new CheckRunner().RunAsync([check], fixture.Inputs());
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0001");
        return [.. run.Findings.Select(f => $"{f.Code} {f.Subject.Kind} {f.Subject.Key}").Order(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Healthy()
    {
        yield return """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"openshift-ingress"}}""";
        yield return """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"my-first-model"}}""";
        yield return """{"apiVersion":"sailoperator.io/v1","kind":"Istio","metadata":{"name":"default"},"spec":{"version":"v1.26.2","namespace":"istio-system"}}""";
        yield return """
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"openshift-ai-inference","namespace":"openshift-ingress"},
         "spec":{"gatewayClassName":"openshift-ai-inference","listeners":[{"name":"https","port":443,"protocol":"HTTPS","tls":{"mode":"Terminate"}}]},
         "status":{"addresses":[{"type":"Hostname","value":"gw.example.com"}],
           "conditions":[{"type":"Accepted","status":"True","reason":"Accepted"},{"type":"Programmed","status":"True","reason":"Programmed"}]}}
        """;
        yield return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"openshift-ai-inference-abc","namespace":"openshift-ingress",
          "labels":{"gateway.networking.k8s.io/gateway-name":"openshift-ai-inference"}},
         "spec":{"containers":[{"name":"istio-proxy"}]},
         "status":{"phase":"Running","podIP":"10.128.0.5","conditions":[{"type":"Ready","status":"True"}]}}
        """;
        yield return """
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"qwen3-0-6b-kserve-route","namespace":"my-first-model"},
         "spec":{"parentRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"openshift-ai-inference","namespace":"openshift-ingress"}],
          "rules":[
           {"matches":[{"path":{"type":"PathPrefix","value":"/my-first-model/qwen3-0-6b/v1/completions"}}],
            "backendRefs":[{"group":"inference.networking.k8s.io","kind":"InferencePool","name":"qwen3-0-6b-inference-pool","weight":0},
                           {"group":"inference.networking.x-k8s.io","kind":"InferencePool","name":"qwen3-0-6b-inference-pool","weight":100}]},
           {"matches":[{"path":{"type":"PathPrefix","value":"/my-first-model/qwen3-0-6b/v1/chat/completions"}}],
            "backendRefs":[{"group":"inference.networking.k8s.io","kind":"InferencePool","name":"qwen3-0-6b-inference-pool","weight":0},
                           {"group":"inference.networking.x-k8s.io","kind":"InferencePool","name":"qwen3-0-6b-inference-pool","weight":100}]},
           {"matches":[{"path":{"type":"PathPrefix","value":"/my-first-model/qwen3-0-6b"}}],
            "backendRefs":[{"kind":"Service","name":"qwen3-0-6b-kserve-workload-svc","port":8000}]}]},
         "status":{"parents":[{"parentRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"openshift-ai-inference","namespace":"openshift-ingress"},
           "controllerName":"openshift.io/gateway-controller/v1",
           "conditions":[{"type":"Accepted","status":"True","reason":"Accepted"},{"type":"ResolvedRefs","status":"True","reason":"ResolvedRefs"}]}]}}
        """;
        yield return """
        {"apiVersion":"inference.networking.x-k8s.io/v1alpha2","kind":"InferencePool","metadata":{"name":"qwen3-0-6b-inference-pool","namespace":"my-first-model"},
         "spec":{"selector":{"app.kubernetes.io/name":"qwen3-0-6b","kserve.io/component":"workload"},"targetPortNumber":8000,
           "extensionRef":{"name":"qwen3-0-6b-epp-service","portNumber":9002,"failureMode":"FailOpen"}},
         "status":{"parent":[{"parentRef":{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"openshift-ai-inference","namespace":"openshift-ingress"},
           "conditions":[{"type":"Accepted","status":"True","reason":"Accepted"},{"type":"ResolvedRefs","status":"True","reason":"ResolvedRefs"}]}]}}
        """;
        yield return """
        {"apiVersion":"inference.networking.k8s.io/v1","kind":"InferencePool","metadata":{"name":"qwen3-0-6b-inference-pool","namespace":"my-first-model"},
         "spec":{"selector":{"matchLabels":{"app.kubernetes.io/name":"qwen3-0-6b","kserve.io/component":"workload"}},"targetPorts":[{"number":8000}],
           "endpointPickerRef":{"kind":"Service","name":"qwen3-0-6b-epp-service","port":{"number":9002},"failureMode":"FailOpen"}}}
        """;
        yield return """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"qwen3-0-6b-epp-service","namespace":"my-first-model"},
         "spec":{"selector":{"app.kubernetes.io/component":"llminferenceservice-router-scheduler","app.kubernetes.io/name":"qwen3-0-6b"},
           "ports":[{"name":"grpc","port":9002,"targetPort":9002},{"name":"grpc-health","port":9003,"targetPort":9003},{"name":"metrics","port":9090,"targetPort":"metrics"}]}}
        """;
        yield return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"qwen3-0-6b-kserve-router-scheduler-xyz","namespace":"my-first-model",
          "labels":{"app.kubernetes.io/component":"llminferenceservice-router-scheduler","app.kubernetes.io/name":"qwen3-0-6b"}},
         "spec":{"containers":[{"name":"main","ports":[{"name":"grpc","containerPort":9002},{"name":"grpc-health","containerPort":9003},{"name":"metrics","containerPort":9090}]}]},
         "status":{"phase":"Running","podIP":"10.129.0.7","conditions":[{"type":"Ready","status":"True"}]}}
        """;
        yield return """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"qwen3-0-6b-kserve-workload-svc","namespace":"my-first-model"},
         "spec":{"selector":{"app.kubernetes.io/name":"qwen3-0-6b","kserve.io/component":"workload"},"ports":[{"name":"https","port":8000,"targetPort":8000,"appProtocol":"https"}]}}
        """;
        yield return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"qwen3-0-6b-kserve-5d9f","namespace":"my-first-model",
          "labels":{"app.kubernetes.io/name":"qwen3-0-6b","kserve.io/component":"workload","app.kubernetes.io/part-of":"llminferenceservice"}},
         "spec":{"containers":[{"name":"main","args":["--served-model-name","Qwen/Qwen3-0.6B"],"ports":[{"name":"https","containerPort":8000}],
           "resources":{"requests":{"nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"1"}}}]},
         "status":{"phase":"Running","podIP":"10.129.0.9","conditions":[{"type":"Ready","status":"True"}]}}
        """;
    }
}
