using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>One Envoy route of a gateway with its effective ext_proc mode, as the Envoy checks walk them.</summary>
internal sealed record ScannedRoute(GatewayEnvoyData Pod, EnvoyRoute Route, EffectiveExtProcMode Mode)
{
    public Subject Gateway => Subject.Gateway(Pod.GatewayNamespace, Pod.GatewayName);

    public string EnvoyVersion => Pod.EnvoyVersion?.ToString() ?? "unknown";
}

/// <summary>Walks the routes of every readable gateway dump once per gateway and route name.</summary>
internal static class EnvoyRouteScan
{
    /// <summary>
    /// Every route name of every gateway, taken from the first readable pod that has it. Pods whose dump could
    /// not be read are left out (EnvoyAdminDataUnreadableCheck reports them), so nothing here calls them healthy.
    /// </summary>
    public static IEnumerable<ScannedRoute> Routes(CheckContext context)
    {
        var views = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        SkipUnreadable(context, views);
        foreach (var gateway in views.Gateways)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pod in views.ReadablePodsOf(gateway))
            {
                foreach (var route in pod.Routes)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    if (seen.Add(route.Name))
                    {
                        yield return new ScannedRoute(pod, route, pod.EffectiveExtProc(route));
                    }
                }
            }
        }
    }

    /// <summary>Records a skip reason for every gateway none of whose dumps could be read: it was not checked.</summary>
    public static void SkipUnreadable(CheckContext context, GatewayEnvoyViews views)
    {
        foreach (var gateway in views.Gateways.Where(views.IsUnreadable))
        {
            context.Skip($"Gateway {gateway} not checked: its Envoy config dump could not be read ({views.PodsOf(gateway)[0].Problem})");
        }
    }

    /// <summary>A bounded, sorted list for evidence.</summary>
    public static string Join(IEnumerable<string> items, int max = 10)
    {
        var list = items.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return list.Count <= max ? string.Join(", ", list) : $"{string.Join(", ", list.Take(max))} and {list.Count - max} more";
    }
}
