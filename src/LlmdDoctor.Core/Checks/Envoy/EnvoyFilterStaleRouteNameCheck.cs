using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0303: an EnvoyFilter's HTTP_ROUTE patch matches a route name that the gateways it selects no longer
/// have (route names are <c>&lt;ns&gt;.&lt;httproute&gt;.&lt;rule index&gt;</c> or the rule's own name, so renaming, reordering
/// or naming rules breaks them). The evidence names the HTTPRoute rules of those gateways that carry the name (rules
/// Envoy lacks, LLMD0305) or says none does (the filter was written for an older route layout).
/// </summary>
public sealed class EnvoyFilterStaleRouteNameCheck : ICheck
{
    public string Name => "envoy.EnvoyFilterRouteNames";
    public string Description => "EnvoyFilter route-name matches that no selected gateway's Envoy config contains";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyFilters, CheckInput.Gateways, CheckInput.HttpRoutes, CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EnvoyFilterStaleRouteName];

    public void Run(CheckContext context)
    {
        var roots = EnvoyFilterSelection.RootNamespaces(context.Cluster);
        var envoy = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        EnvoyRouteScan.SkipUnreadable(context, envoy);
        foreach (var view in context.Cluster.EnvoyFilters.Select(EnvoyFilterExtProcView.Of).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (view.RouteNames.Count == 0 || !view.AppliesToGateways)
            {
                continue;
            }

            var missing = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var gateway in context.Cluster.Gateways.OrderBy(g => g.Metadata.Key, StringComparer.Ordinal))
            {
                var pods = envoy.ReadablePodsOf(gateway.Metadata.Key);
                if (pods.Count == 0
                    || !EnvoyFilterSelection.Selects(view.Filter, gateway, EnvoyFilterSelection.GatewayPodLabels(context.Cluster, gateway), roots))
                {
                    continue;
                }

                foreach (var name in view.RouteNames.Distinct(StringComparer.Ordinal))
                {
                    if (pods.All(p => p.RoutesNamed(name).Count == 0))
                    {
                        if (!missing.TryGetValue(name, out var gateways))
                        {
                            missing[name] = gateways = [];
                        }

                        gateways.Add(gateway.Metadata.Key);
                    }
                }
            }

            foreach (var (name, gateways) in missing)
            {
                var rules = context.Inputs.Flows
                    .Where(f => f.EnvoyRouteName == name && gateways.Contains(f.GatewayKey))
                    .Select(f => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{f.RouteKey} rule {f.RuleIndex}"))
                    .ToList();
                context.Report(FindingCatalog.EnvoyFilterStaleRouteName.At(Subject.EnvoyFilter(view.Filter.Metadata.Ns, view.Filter.Metadata.Name),
                    ("envoyFilter", view.Key),
                    ("routeName", name),
                    ("route", name),
                    ("gateway", EnvoyRouteScan.Join(gateways)),
                    ("httpRouteRules", rules.Count == 0 ? "none: no HTTPRoute rule on these gateways has this route name" : EnvoyRouteScan.Join(rules))));
            }
        }
    }
}
