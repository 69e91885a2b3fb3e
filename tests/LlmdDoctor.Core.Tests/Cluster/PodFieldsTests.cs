using System.Text.Json.Nodes;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

public sealed class PodFieldsTests
{
    /// <summary>A vLLM pod as the API server returns it: every field some check reads, and many none does.</summary>
    private const string FullPod = """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"vllm-0","namespace":"llm","uid":"u-1","resourceVersion":"7","creationTimestamp":"2026-11-30T08:15:42Z",
           "labels":{"app":"vllm","llm-d.ai/inferenceServing":"true"},"annotations":{"openshift.io/scc":"restricted-v2"},
           "ownerReferences":[{"kind":"ReplicaSet","name":"vllm-abc"}],"managedFields":[{"manager":"kubelet"}]},
         "spec":{"nodeName":"gpu-1","serviceAccountName":"default","volumes":[{"name":"config"}],
           "containers":[{"name":"vllm","image":"vllm/vllm-openai:v0.11.0","command":["vllm","serve"],"args":["--served-model-name","llama"],
             "env":[{"name":"USE_STREAMING","value":"true"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
             "ports":[{"name":"http","containerPort":8000,"protocol":"TCP","hostPort":8000}],
             "resources":{"requests":{"cpu":"4","memory":"32Gi","nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"1","memory":"40Gi"},"claims":[{"name":"gpu"}]},
             "readinessProbe":{"httpGet":{"path":"/health","port":8000}},"volumeMounts":[{"name":"config","mountPath":"/etc"}]}]},
         "status":{"phase":"Running","podIP":"10.128.2.9","hostIP":"10.0.0.1","qosClass":"Burstable",
           "conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True","lastTransitionTime":"2026-11-30T08:15:42Z"},{"type":"PodScheduled","status":"True"}],
           "containerStatuses":[{"name":"vllm","ready":true,"restartCount":3}]}}
        """;

    /// <summary>What <see cref="PodFields.Narrow"/> leaves of <see cref="FullPod"/>.</summary>
    private const string NarrowPod = """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"vllm-0","namespace":"llm","labels":{"app":"vllm","llm-d.ai/inferenceServing":"true"}},
         "spec":{"nodeName":"gpu-1",
           "containers":[{"name":"vllm","image":"vllm/vllm-openai:v0.11.0","command":["vllm","serve"],"args":["--served-model-name","llama"],
             "env":[{"name":"USE_STREAMING","value":"true"},{"name":"POD_NAME"}],
             "ports":[{"name":"http","containerPort":8000,"protocol":"TCP"}],
             "resources":{"requests":{"nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"1"}}}]},
         "status":{"phase":"Running","podIP":"10.128.2.9","conditions":[{"type":"Ready","status":"True"}]}}
        """;

    public static TheoryData<string, string, string> Pods => new()
    {
        { "a full pod keeps only what checks read", FullPod, NarrowPod },
        { "a pod holding only those fields is left as it is", NarrowPod, NarrowPod },
        { "a bare pod stays bare", """{"metadata":{"name":"p"}}""", """{"metadata":{"name":"p"}}""" },
        { "malformed kept fields are left for the reader to reject", """{"spec":{"containers":"main"},"status":{"conditions":[1]}}""", """{"spec":{"containers":"main"},"status":{"conditions":[1]}}""" },
    };

    [Theory]
    [MemberData(nameof(Pods))]
    public void Narrow_keeps_exactly_the_fields_checks_read(string name, string pod, string expected)
    {
        var node = JsonNode.Parse(pod)!.AsObject();
        PodFields.Narrow(node);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), node), $"{name}: {node.ToJsonString()}");
    }

    [Fact]
    public void A_narrowed_pod_still_answers_every_question_checks_ask()
    {
        var builder = new ClusterSnapshotBuilder();
        builder.Add(JsonNode.Parse(FullPod), "pods.json");
        var snapshot = builder.Build();

        Assert.Empty(snapshot.Problems);
        var pod = Assert.Single(snapshot.Pods);
        Assert.Equal("llm/vllm-0", pod.Metadata.Key);
        Assert.True(LabelSelector.FromMap(new() { ["llm-d.ai/inferenceServing"] = "true" }).Matches(pod.Metadata.Labels));
        Assert.True(pod.IsReady);
        Assert.Equal("10.128.2.9", pod.Status.PodIP);
        Assert.Equal("gpu-1", pod.Spec.NodeName);
        Assert.True(pod.ExposesPort(8000));
        Assert.Equal(8000, pod.PortNamed("http"));
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal("vllm/vllm-openai:v0.11.0", container.Image);
        Assert.Equal(["vllm", "serve", "--served-model-name", "llama"], container.Command.Concat(container.Args));
        Assert.Equal("true", container.Env.Single(e => e.Name == "USE_STREAMING").Value);
        Assert.Equal("1", container.Resources.Requests[PodFields.GpuResource]);
        Assert.Equal("1", container.Resources.Limits[PodFields.GpuResource]);
        Assert.Empty(pod.Metadata.Annotations);
        Assert.Empty(pod.Metadata.OwnerReferences);
        Assert.Null(pod.Metadata.Uid);
    }

    [Fact]
    public void A_field_no_check_reads_no_longer_fails_the_pod()
    {
        var builder = new ClusterSnapshotBuilder();
        builder.Add(JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","ownerReferences":"x"},"status":{"containerStatuses":7}}"""), "p.json");
        var snapshot = builder.Build();
        Assert.Empty(snapshot.Problems);
        Assert.Single(snapshot.Pods);
    }

    [Fact]
    public void Pods_of_one_builder_share_their_repeated_strings()
    {
        var builder = new ClusterSnapshotBuilder();
        for (var i = 0; i < 3; i++)
        {
            var pod = JsonNode.Parse(FullPod)!.AsObject();
            pod["metadata"]!["name"] = $"vllm-{i}";
            builder.Add(pod, "pods.json");
        }

        var pods = builder.Build().Pods;
        Assert.Equal(3, pods.Count);
        Assert.Same(pods[0].Metadata.Namespace, pods[2].Metadata.Namespace);
        Assert.Same(pods[0].Metadata.Labels.Keys.First(), pods[2].Metadata.Labels.Keys.First());
        Assert.Same(pods[0].Metadata.Labels["app"], pods[1].Metadata.Labels["app"]);
        Assert.Same(pods[0].Spec.Containers[0].Image, pods[2].Spec.Containers[0].Image);
        Assert.Same(pods[0].Status.Conditions[0].Type, pods[1].Status.Conditions[0].Type);
        Assert.NotEqual(pods[0].Metadata.Name, pods[1].Metadata.Name);
    }
}
