using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Monitoring;

/// <summary>What a group of pods does on the model path.</summary>
public enum WorkloadRole
{
    /// <summary>vLLM model server pods (metrics on the serving port, 8000 for KServe).</summary>
    Vllm,

    /// <summary>Endpoint Picker pods (metrics on 9090, port name <c>metrics</c>).</summary>
    EndpointPicker,
}

/// <summary>The vLLM or EPP pods of one model, named by the object a user knows (LLMInferenceService or InferencePool).</summary>
/// <param name="Templates">When no pod exists yet: the workloads (<c>StatefulSet ns/name</c>) whose pod templates
/// <see cref="Pods"/> were read from (<see cref="CoveragePods"/>); empty for real pods.</param>
public sealed record ServingWorkload(string Namespace, string OwnerKind, string OwnerName, WorkloadRole Role, IReadOnlyList<Pod> Pods, IReadOnlyList<string>? Templates = null)
{
    /// <summary>Every pod is read from a workload's template: none exists yet.</summary>
    public bool NotYetCreated => Templates is { Count: > 0 };

    /// <summary>"the pod template of Deployment ns/a" or "the pod templates of …", for messages about template pods.</summary>
    public string TemplateSource => Templates is { Count: > 0 } t
        ? $"the pod template{(t.Count > 1 ? "s" : "")} of {string.Join(", ", t)}"
        : "";

    /// <summary><c>LLMInferenceService ns/name</c>.</summary>
    public string Owner => $"{OwnerKind} {Namespace}/{OwnerName}";

    public string RoleName => Role == WorkloadRole.Vllm ? "vLLM" : "Endpoint Picker";

    public MetricFamily Family => Role == WorkloadRole.Vllm ? MetricFamily.Vllm : MetricFamily.EndpointPicker;

    public Findings.Subject Subject => OwnerKind == "LLMInferenceService"
        ? new("serving.kserve.io", "LLMInferenceService", Namespace, OwnerName)
        : new(InferencePool.GroupV1, "InferencePool", Namespace, OwnerName);
}

/// <summary>
/// Finds the pods whose metrics the monitoring path must carry: KServe-labelled workload and scheduler pods
/// (domain-facts §5: <c>app.kubernetes.io/part-of: llminferenceservice</c>, component
/// <c>llminferenceservice-workload*</c> / <c>llminferenceservice-router-scheduler</c>), the pods behind each
/// InferencePool's picker Service, and the pods each InferencePool selects.
/// </summary>
public static class ServingWorkloads
{
    public const string PartOfLabel = "app.kubernetes.io/part-of";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The workloads of the pods that exist.</summary>
    public static IReadOnlyList<ServingWorkload> Find(ClusterSnapshot snapshot) => Find(snapshot, CoveragePods.Live(snapshot));

    public static IReadOnlyList<ServingWorkload> Find(ClusterSnapshot snapshot, CoveragePods coverage)
    {
        var assigned = new Dictionary<Pod, (string Kind, string Name, WorkloadRole Role)>(ReferenceEqualityComparer.Instance);
        foreach (var pod in coverage.All)
        {
            var labels = pod.Metadata.Labels;
            if (!labels.TryGetValue(PartOfLabel, out var partOf) || partOf != "llminferenceservice"
                || !labels.TryGetValue(ComponentLabel, out var component))
            {
                continue;
            }

            var owner = labels.TryGetValue(NameLabel, out var n) && n.Length > 0 ? n : pod.Metadata.Name;
            if (component.StartsWith("llminferenceservice-workload", StringComparison.Ordinal))
            {
                assigned[pod] = ("LLMInferenceService", owner, WorkloadRole.Vllm);
            }
            else if (component == "llminferenceservice-router-scheduler")
            {
                assigned[pod] = ("LLMInferenceService", owner, WorkloadRole.EndpointPicker);
            }
        }

        var pools = snapshot.InferencePools.DistinctBy(p => p.Metadata.Key).ToList();
        foreach (var pool in pools.Where(p => p.PickerKind == "Service"))
        {
            var service = snapshot.FindService(pool.Metadata.Ns, pool.PickerName);
            if (service is null || service.Spec.Selector.Count == 0)
            {
                continue;
            }

            foreach (var pod in coverage.Matching(pool.Metadata.Ns, LabelSelector.FromMap(service.Spec.Selector)))
            {
                assigned.TryAdd(pod, ("InferencePool", pool.Metadata.Name, WorkloadRole.EndpointPicker));
            }
        }

        foreach (var pool in pools.Where(p => !p.Selector.IsEmpty))
        {
            foreach (var pod in coverage.Matching(pool.Metadata.Ns, pool.Selector))
            {
                assigned.TryAdd(pod, ("InferencePool", pool.Metadata.Name, WorkloadRole.Vllm));
            }
        }

        return [.. assigned
            .GroupBy(a => (a.Key.Metadata.Ns, a.Value.Kind, a.Value.Name, a.Value.Role))
            .Select(g => new ServingWorkload(g.Key.Ns, g.Key.Kind, g.Key.Name, g.Key.Role,
                [.. g.Select(a => a.Key).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)],
                g.All(a => coverage.IsTemplate(a.Key)) ? [.. g.Select(a => coverage.TemplateOf(a.Key)!).Distinct().Order(StringComparer.Ordinal)] : null))
            .OrderBy(w => w.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.OwnerName, StringComparer.Ordinal)
            .ThenBy(w => w.Role)];
    }
}
