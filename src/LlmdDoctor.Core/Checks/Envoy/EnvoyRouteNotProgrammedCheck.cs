using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0305: a match of an HTTPRoute rule the gateway accepted has no Envoy route in the gateway's config dump:
/// none with the rule's route name, from the route's listener, matching what the match does (<see cref="EnvoyRouteIdentity"/>).
/// A route of the same name that belongs to another HTTPRoute (named rules are shared across models) does not count.
/// </summary>
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

            var lacking = pods.FirstOrDefault(p => p.RoutesOf(flow).Count == 0);
            if (lacking is null)
            {
                continue;
            }

            var sameName = lacking.RoutesNamed(flow.EnvoyRouteName);
            context.Report(FindingCatalog.EnvoyRouteNotProgrammed.At(Subject.Gateway(flow.Gateway.Metadata.Ns, flow.Gateway.Metadata.Name),
                ("gateway", flow.GatewayKey),
                ("httpRoute", flow.RouteKey),
                // The rule with its HTTPRoute and match: a rule name shared by two models must not make one finding of two.
                ("rule", string.Create(CultureInfo.InvariantCulture, $"{flow.RouteKey} rule {flow.RuleIndex} match {flow.MatchIndex}")),
                ("match", flow.Match.Describe()),
                ("route", flow.EnvoyRouteName),
                ("pod", lacking.PodName),
                ("envoyRoutes", lacking.Routes.Count.ToString(CultureInfo.InvariantCulture)),
                ("sameNameRoutes", sameName.Count == 0
                    ? "none"
                    : $"{sameName.Count.ToString(CultureInfo.InvariantCulture)}, none with this match on this listener (e.g. {EnvoyRouteIdentity.Describe(sameName[0])})")));
        }
    }

    private static bool AcceptedBy(RequestFlow flow) =>
        flow.Route.Status.Parents.Any(p =>
            p.ParentRef.RefersToGateway(flow.Route.Metadata.Ns, flow.Gateway.Metadata.Ns, flow.Gateway.Metadata.Name)
            && p.Conditions.Find("Accepted")?.IsTrue == true);
}
