using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0305: an HTTPRoute rule the gateway accepted has no Envoy route of its name in the gateway's config dump.</summary>
public sealed class EnvoyRouteNotProgrammedCheck : ICheck
{
    public string Name => "envoy.RouteProgrammed";
    public string Description => "accepted HTTPRoute rules missing from the gateway's Envoy route configuration";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Gateways, CheckInput.HttpRoutes, CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EnvoyRouteNotProgrammed];

    public void Run(CheckContext context)
    {
        var envoy = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        EnvoyRouteScan.SkipUnreadable(context, envoy);
        foreach (var flow in context.Inputs.Flows)
        {
            var pods = envoy.ReadablePodsOf(flow.GatewayKey);
            if (pods.Count == 0 || !AcceptedBy(flow))
            {
                continue;
            }

            var lacking = pods.FirstOrDefault(p => p.RoutesNamed(flow.EnvoyRouteName).Count == 0);
            if (lacking is null)
            {
                continue;
            }

            context.Report(FindingCatalog.EnvoyRouteNotProgrammed.At(Subject.Gateway(flow.Gateway.Metadata.Ns, flow.Gateway.Metadata.Name),
                ("gateway", flow.GatewayKey),
                ("httpRoute", flow.RouteKey),
                ("rule", flow.RuleIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("route", flow.EnvoyRouteName),
                ("pod", lacking.PodName),
                ("envoyRoutes", lacking.Routes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    private static bool AcceptedBy(RequestFlow flow) =>
        flow.Route.Status.Parents.Any(p =>
            p.ParentRef.RefersToGateway(flow.Route.Metadata.Ns, flow.Gateway.Metadata.Ns, flow.Gateway.Metadata.Name)
            && p.Conditions.Find("Accepted")?.IsTrue == true);
}
