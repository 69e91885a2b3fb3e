using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0102: an HTTPRoute whose parent status says not Accepted or ResolvedRefs False, or that no controller answered.
/// A manifest as published (no uid/resourceVersion: never stored by an API server) without status is a skip.
/// </summary>
public sealed class HttpRouteNotAcceptedCheck : ICheck
{
    public string Name => "route.Accepted";
    public string Description => "HTTPRoutes attached to existing Gateways are Accepted with resolved references";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.HttpRoutes, CheckInput.Gateways];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.HttpRouteNotAccepted];

    public void Run(CheckContext context)
    {
        foreach (var route in context.Cluster.HttpRoutes)
        {
            var ns = route.Metadata.Ns;
            foreach (var parent in route.Spec.ParentRefs)
            {
                var gatewayNs = parent.Namespace ?? ns;
                if (parent.Kind is not (null or "" or "Gateway") || context.Cluster.FindGateway(gatewayNs, parent.Name) is null)
                {
                    continue;
                }

                var statuses = route.Status.Parents.Where(p => p.ParentRef.RefersToGateway(ns, gatewayNs, parent.Name)).ToList();
                if (route.Status.Parents.Count == 0 && !route.Metadata.IsFromApiServer())
                {
                    context.Skip($"HTTPRoute {route.Metadata.Key} is a manifest without status (no controller wrote one): its acceptance was not collected");
                    break;
                }

                if (statuses.Count == 0)
                {
                    Report(context, route, parent, "Accepted", "Unknown", "NoStatus", "no controller has written a status for this parent");
                    continue;
                }

                foreach (var status in statuses)
                {
                    foreach (var type in new[] { "Accepted", "ResolvedRefs" })
                    {
                        var c = status.Conditions.Find(type);
                        if (c is not null && !c.IsTrue)
                        {
                            Report(context, route, parent, type, c.Status, c.Reason ?? "", c.Message ?? "");
                        }
                    }
                }
            }
        }
    }

    private void Report(CheckContext context, HttpRoute route, ParentReference parent, string condition, string status, string reason, string detail) =>
        context.Report(FindingCatalog.HttpRouteNotAccepted.At(
            Subject.HttpRoute(route.Metadata.Ns, route.Metadata.Name),
            ("route", route.Metadata.Key),
            ("parent", parent.Describe(route.Metadata.Ns)),
            ("condition", condition),
            ("status", status),
            ("reason", reason),
            ("detail", detail)));
}
