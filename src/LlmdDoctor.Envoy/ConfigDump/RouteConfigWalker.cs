using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Walks one <c>DynamicRouteConfig</c> / <c>StaticRouteConfig</c> token by token down to its routes and
/// materializes one route at a time: a route configuration can hold thousands of routes.
/// </summary>
internal static class RouteConfigWalker
{
    /// <summary>With the current token the start of a (Dynamic|Static)RouteConfig element.</summary>
    public static void Read(JsonTokenStream tokens, List<EnvoyRoute> routes)
    {
        tokens.ForEachProperty(name =>
        {
            if (Names.Is(name, "route_config"))
            {
                tokens.Expect();
                ReadRouteConfiguration(tokens, routes);
            }
            else
            {
                tokens.Skip();
            }
        });
    }

    private static void ReadRouteConfiguration(JsonTokenStream tokens, List<EnvoyRoute> routes)
    {
        string? configName = null;
        var first = routes.Count;
        tokens.ForEachProperty(name =>
        {
            if (name == "name")
            {
                configName = tokens.ReadStringValue();
            }
            else if (Names.Is(name, "virtual_hosts"))
            {
                tokens.ForEachElement(() => ReadVirtualHost(tokens, routes, configName));
            }
            else
            {
                tokens.Skip();
            }
        });

        // Proto JSON writes name (field 1) first; a hand-made dump may not.
        for (var i = first; i < routes.Count; i++)
        {
            if (routes[i].RouteConfig.Length == 0 && configName is not null)
            {
                routes[i] = routes[i] with { RouteConfig = configName };
            }
        }
    }

    private static void ReadVirtualHost(JsonTokenStream tokens, List<EnvoyRoute> routes, string? configName)
    {
        string? hostName = null;
        ExtProcPerRoute? hostExtProc = null;
        var first = routes.Count;
        tokens.ForEachProperty(name =>
        {
            if (name == "name")
            {
                hostName = tokens.ReadStringValue();
            }
            else if (name == "routes")
            {
                tokens.ForEachElement(() => routes.Add(tokens.ReadElement(route =>
                    RouteReader.Read(route, configName ?? "", hostName ?? "", null))));
            }
            else if (Names.Is(name, "typed_per_filter_config"))
            {
                hostExtProc = tokens.ReadElement(map => ExtProcConfigReader.ReadTypedPerFilterConfig(map));
            }
            else
            {
                tokens.Skip();
            }
        });

        for (var i = first; i < routes.Count; i++)
        {
            var route = routes[i];
            if ((route.ExtProc is null && hostExtProc is not null) || (route.VirtualHost.Length == 0 && hostName is not null))
            {
                routes[i] = route with { ExtProc = route.ExtProc ?? hostExtProc, VirtualHost = route.VirtualHost.Length == 0 ? hostName ?? "" : route.VirtualHost };
            }
        }
    }
}
