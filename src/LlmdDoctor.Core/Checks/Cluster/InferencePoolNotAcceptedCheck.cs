using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0201: a pool whose parent status is not Accepted / ResolvedRefs. KServe creates every pool in both API
/// groups and the gateway's Istio reads only one, so a missing status is only a problem for a pool that
/// receives traffic (a backendRef with weight above zero); an explicit False always is. A manifest as published (never
/// stored by an API server) without status is a skip, not a verdict.
/// </summary>
public sealed class InferencePoolNotAcceptedCheck : ICheck
{
    public string Name => "pool.Accepted";
    public string Description => "InferencePools that receive traffic are Accepted with resolved references by their gateway";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.InferencePools, CheckInput.HttpRoutes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.InferencePoolNotAccepted];

    public void Run(CheckContext context)
    {
        var routed = context.Inputs.Flows
            .SelectMany(f => f.Backends.Where(b => b.Kind == BackendKind.InferencePool && b.Weight > 0).Select(b => (Backend: b, Flow: f)))
            .ToList();
        foreach (var pool in context.Cluster.InferencePools)
        {
            var subject = new Subject(pool.ApiGroup, "InferencePool", pool.Metadata.Ns, pool.Metadata.Name);
            var explicitProblem = false;
            foreach (var parent in pool.Parents)
            {
                foreach (var type in new[] { "Accepted", "ResolvedRefs" })
                {
                    var c = parent.Conditions.Find(type);
                    if (c is not null && !c.IsTrue)
                    {
                        explicitProblem = true;
                        Report(context, subject, pool, parent.ParentRef.Describe(pool.Metadata.Ns), type, c.Status, c.Reason ?? "");
                    }
                }
            }

            if (explicitProblem)
            {
                continue;
            }

            foreach (var (_, flow) in routed.Where(r => r.Backend.Group == pool.ApiGroup && r.Backend.Namespace == pool.Metadata.Ns && r.Backend.Name == pool.Metadata.Name)
                         .DistinctBy(r => r.Flow.GatewayKey))
            {
                var gw = flow.Gateway.Metadata;
                var accepted = pool.Parents.Any(p => p.ParentRef.RefersToGateway(pool.Metadata.Ns, gw.Ns, gw.Name) && p.Conditions.Find("Accepted")?.IsTrue == true);
                if (!accepted && pool.Parents.Count == 0 && !pool.Metadata.IsFromApiServer())
                {
                    context.Skip($"InferencePool {pool.Metadata.Key} ({pool.ApiGroup}) is a manifest without status (no controller wrote one): its acceptance was not collected");
                    break;
                }

                if (!accepted)
                {
                    Report(context, subject, pool, $"Gateway {gw.Key}", "Accepted", "Unknown", "NoStatus");
                }
            }
        }
    }

    private void Report(CheckContext context, Subject subject, InferencePool pool, string parent, string condition, string status, string reason) =>
        context.Report(FindingCatalog.InferencePoolNotAccepted.At(subject,
            ("pool", pool.Metadata.Key),
            ("apiGroup", pool.ApiGroup),
            ("parent", parent),
            ("condition", condition),
            ("status", status),
            ("reason", reason)));
}
