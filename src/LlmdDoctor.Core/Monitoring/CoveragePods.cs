using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Monitoring;

/// <summary>
/// The pods monitoring coverage is judged against. <see cref="Live"/> holds the snapshot's pods only;
/// <see cref="WithTemplates"/> adds, for every Deployment that has no pod yet (a bundle of applied manifests),
/// the pod its <c>spec.template</c> will create: its labels, namespace and container ports are all a
/// ServiceMonitor or PodMonitor matches on. Such template pods exist only here, for the coverage checks
/// (LLMD0503/0504); no other check ever sees them.
/// </summary>
public sealed class CoveragePods
{
    private readonly HashSet<Pod> _fromTemplates;

    private CoveragePods(IReadOnlyList<Pod> all, HashSet<Pod> fromTemplates)
    {
        All = all;
        _fromTemplates = fromTemplates;
    }

    public IReadOnlyList<Pod> All { get; }

    public static CoveragePods Live(ClusterSnapshot snapshot) => new(snapshot.Pods, new(ReferenceEqualityComparer.Instance));

    public static CoveragePods WithTemplates(ClusterSnapshot snapshot)
    {
        var templates = new HashSet<Pod>(ReferenceEqualityComparer.Instance);
        foreach (var deployment in snapshot.Deployments)
        {
            var template = deployment.Spec.Template;
            var selector = deployment.Spec.Selector.IsEmpty ? LabelSelector.FromMap(template.Metadata.Labels) : deployment.Spec.Selector;
            if (deployment.Spec.Replicas == 0 || snapshot.PodsMatching(deployment.Metadata.Ns, selector).Any())
            {
                continue;
            }

            templates.Add(new Pod
            {
                Metadata = new ObjectMeta
                {
                    Name = $"{deployment.Metadata.Name} (pod template)",
                    Namespace = deployment.Metadata.Ns,
                    Labels = template.Metadata.Labels,
                    Annotations = template.Metadata.Annotations,
                },
                Spec = template.Spec,
            });
        }

        return new([.. snapshot.Pods, .. templates], templates);
    }

    /// <summary>A pod that does not exist yet: read from a Deployment's template.</summary>
    public bool IsTemplate(Pod pod) => _fromTemplates.Contains(pod);

    public IEnumerable<Pod> Matching(string ns, LabelSelector selector) =>
        All.Where(p => p.Metadata.Ns == ns && selector.Matches(p.Metadata.Labels));
}
