using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Monitoring;

/// <summary>
/// The pods monitoring coverage is judged against. <see cref="Live"/> holds the snapshot's pods only;
/// <see cref="WithTemplates"/> adds, for every Deployment, StatefulSet and LeaderWorkerSet that has no pod yet
/// (a bundle of applied manifests), the pods its templates will create: their labels, namespace and container
/// ports are all a ServiceMonitor or PodMonitor matches on. Such template pods exist only here, for the coverage
/// checks (LLMD0502/0503/0504); no other check ever sees them.
/// </summary>
public sealed class CoveragePods
{
    private readonly Dictionary<Pod, string> _fromTemplates;

    private CoveragePods(IReadOnlyList<Pod> all, Dictionary<Pod, string> fromTemplates)
    {
        All = all;
        _fromTemplates = fromTemplates;
    }

    public IReadOnlyList<Pod> All { get; }

    public static CoveragePods Live(ClusterSnapshot snapshot) => new(snapshot.Pods, new(ReferenceEqualityComparer.Instance));

    public static CoveragePods WithTemplates(ClusterSnapshot snapshot)
    {
        var templates = new Dictionary<Pod, string>(ReferenceEqualityComparer.Instance);
        void Add(string kind, ObjectMeta owner, string podName, PodTemplate template, IReadOnlyDictionary<string, string>? extraLabels = null)
        {
            var labels = new Dictionary<string, string>(template.Metadata.Labels, StringComparer.Ordinal);
            foreach (var (key, value) in extraLabels ?? new Dictionary<string, string>())
            {
                labels[key] = value;
            }

            templates.Add(new Pod
            {
                Metadata = new ObjectMeta { Name = podName, Namespace = owner.Ns, Labels = labels, Annotations = template.Metadata.Annotations },
                Spec = template.Spec,
            }, $"{kind} {owner.Key}");
        }

        foreach (var deployment in snapshot.Deployments)
        {
            if (NeedsTemplate(snapshot, deployment.Metadata, deployment.Spec.Replicas, deployment.Spec.Selector, deployment.Spec.Template))
            {
                Add("Deployment", deployment.Metadata, $"{deployment.Metadata.Name} (pod template)", deployment.Spec.Template);
            }
        }

        foreach (var set in snapshot.StatefulSets)
        {
            // A LeaderWorkerSet's own StatefulSets carry its name label on their template: the set itself is read below.
            if (!set.Spec.Template.Metadata.Labels.ContainsKey(LeaderWorkerSet.SetNameLabel)
                && NeedsTemplate(snapshot, set.Metadata, set.Spec.Replicas, set.Spec.Selector, set.Spec.Template))
            {
                Add("StatefulSet", set.Metadata, $"{set.Metadata.Name} (pod template)", set.Spec.Template);
            }
        }

        foreach (var lws in snapshot.LeaderWorkerSets)
        {
            var name = lws.Metadata.Name;
            var group = lws.Spec.LeaderWorkerTemplate;
            if (lws.Spec.Replicas == 0 || snapshot.PodsMatching(lws.Metadata.Ns, LabelSelector.FromMap(new Dictionary<string, string> { [LeaderWorkerSet.SetNameLabel] = name })).Any())
            {
                continue;
            }

            // The leader StatefulSet uses leaderTemplate, else workerTemplate, and labels its pods with the set's
            // name and worker-index 0; workers (size > 1) come from workerTemplate with their index
            // (lws pkg/controllers/leaderworkerset_controller.go constructLeaderStatefulSetApplyConfiguration,
            // pkg/webhooks/pod_webhook.go, @060ab4d).
            Add("LeaderWorkerSet", lws.Metadata, $"{name} (leader pod template)", group.LeaderTemplate ?? group.WorkerTemplate,
                new Dictionary<string, string> { [LeaderWorkerSet.SetNameLabel] = name, [LeaderWorkerSet.WorkerIndexLabel] = "0" });
            if ((group.Size ?? 1) > 1)
            {
                Add("LeaderWorkerSet", lws.Metadata, $"{name} (worker pod template)", group.WorkerTemplate,
                    new Dictionary<string, string> { [LeaderWorkerSet.SetNameLabel] = name, [LeaderWorkerSet.WorkerIndexLabel] = "1" });
            }
        }

        return new([.. snapshot.Pods, .. templates.Keys], templates);
    }

    private static bool NeedsTemplate(ClusterSnapshot snapshot, ObjectMeta owner, int? replicas, LabelSelector selector, PodTemplate template)
    {
        var effective = selector.IsEmpty ? LabelSelector.FromMap(template.Metadata.Labels) : selector;
        return replicas != 0 && !snapshot.PodsMatching(owner.Ns, effective).Any();
    }

    /// <summary>A pod that does not exist yet: read from a workload's template.</summary>
    public bool IsTemplate(Pod pod) => _fromTemplates.ContainsKey(pod);

    /// <summary>The workload whose template a pod was read from (<c>StatefulSet ns/name</c>), or null for a real pod.</summary>
    public string? TemplateOf(Pod pod) => _fromTemplates.GetValueOrDefault(pod);

    public IEnumerable<Pod> Matching(string ns, LabelSelector selector) =>
        All.Where(p => p.Metadata.Ns == ns && selector.Matches(p.Metadata.Labels));
}
