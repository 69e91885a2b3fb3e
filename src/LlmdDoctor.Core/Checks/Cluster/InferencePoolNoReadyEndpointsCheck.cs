using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0202: a pool whose selector matches no ready pod on its target port.</summary>
public sealed class InferencePoolNoReadyEndpointsCheck : ICheck
{
    public string Name => "pool.ReadyEndpoints";
    public string Description => "each InferencePool's selector matches at least one ready pod serving its target port";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.InferencePools, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.InferencePoolNoReadyEndpoints];

    public void Run(CheckContext context)
    {
        if (context.Cluster.Pods.Count == 0 && context.Cluster.InferencePools.Count > 0)
        {
            context.Skip(ClusterSnapshot.NoPodsCollected);
            return;
        }

        foreach (var pool in context.Cluster.InferencePools)
        {
            var pods = context.Cluster.PodsMatching(pool.Metadata.Ns, pool.Selector).ToList();
            var ready = pods.Where(p => p.IsReady).ToList();
            string? detail = null;
            if (pods.Count == 0)
            {
                detail = $"selector {pool.Selector} matches no pod in namespace {pool.Metadata.Ns}";
            }
            else if (ready.Count == 0)
            {
                detail = $"selector {pool.Selector} matches {pods.Count} pod(s), none ready";
            }
            else if (pool.TargetPorts.Count > 0
                && ready.All(p => p.Spec.Containers.Any(c => c.Ports.Count > 0))
                && !ready.Any(p => pool.TargetPorts.Any(p.ExposesPort)))
            {
                // containerPort lists are informational in Kubernetes; only when every ready pod declares ports and
                // none declares the target port is it evidence of a wrong targetPort.
                detail = $"{ready.Count} ready pod(s) declare ports {string.Join(",", ready.SelectMany(p => p.Spec.Containers.SelectMany(c => c.Ports.Select(x => x.ContainerPort))).Distinct())}, none the target port {string.Join(",", pool.TargetPorts)}";
            }

            if (detail is not null)
            {
                context.Report(FindingCatalog.InferencePoolNoReadyEndpoints.At(
                    new Subject(pool.ApiGroup, "InferencePool", pool.Metadata.Ns, pool.Metadata.Name),
                    ("pool", pool.Metadata.Key),
                    ("detail", detail),
                    ("pods", pods.Count.ToString(CultureInfo.InvariantCulture)),
                    ("readyPods", ready.Count.ToString(CultureInfo.InvariantCulture))));
            }
        }
    }
}
