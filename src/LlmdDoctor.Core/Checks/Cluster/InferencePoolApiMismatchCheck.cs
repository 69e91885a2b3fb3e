using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0206: a route sends traffic only to pools in an API group that the gateway's Istio does not read
/// (1.26.2-redhat/1.27.x read v1alpha2, 1.28+ read v1).
/// </summary>
public sealed class InferencePoolApiMismatchCheck : ICheck
{
    public string Name => "pool.ApiGroupRead";
    public string Description => "routes send traffic to InferencePools in the API group their gateway's Istio reads";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.HttpRoutes, CheckInput.Deployments];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.InferencePoolApiMismatch];

    public void Run(CheckContext context)
    {
        var poolFlows = context.Inputs.Flows.Where(f => f.Backends.Any(b => b.Kind == BackendKind.InferencePool)).ToList();
        if (poolFlows.Count == 0)
        {
            return;
        }

        if (IstioVersions.Of(context.Cluster) is not { } istio)
        {
            context.Skip("the Istio version is unknown (no sailoperator.io Istio resource and no istiod Deployment image tag)");
            return;
        }

        if (IstioVersions.PoolGroupRead(istio) is not { } reads)
        {
            context.Skip($"Istio {istio} predates InferencePool support");
            return;
        }

        foreach (var flow in poolFlows)
        {
            var live = flow.Backends.Where(b => b.Kind == BackendKind.InferencePool && b.Weight > 0).ToList();
            if (live.Count == 0 || live.Any(b => b.Group == reads))
            {
                continue;
            }

            var b = live[0];
            context.Report(FindingCatalog.InferencePoolApiMismatch.At(
                Subject.HttpRoute(flow.Route.Metadata.Ns, flow.Route.Metadata.Name),
                ("route", flow.RouteKey),
                ("pool", $"{b.Namespace}/{b.Name}"),
                ("apiGroup", b.Group),
                ("istioVersion", istio.ToString()),
                ("gateway", flow.GatewayKey),
                ("readsGroup", reads),
                ("rule", flow.EnvoyRouteName)));
        }
    }
}
