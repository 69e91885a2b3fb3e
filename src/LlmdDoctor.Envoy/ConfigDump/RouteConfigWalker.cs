using System.Runtime.CompilerServices;
using LlmdDoctor.Core.Envoy;
using static LlmdDoctor.Envoy.ConfigDump.ProtoJsonTokens;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Walks one <c>DynamicRouteConfig</c> / <c>StaticRouteConfig</c> token by token down to its routes and reads
/// one route at a time: a route configuration can hold thousands of routes.
/// </summary>
internal static class RouteConfigWalker
{
    /// <summary>With the current token the start of a (Dynamic|Static)RouteConfig element.</summary>
    public static void Read(ref JsonTokenStream tokens, List<EnvoyRoute> routes)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return;
        }

        while (tokens.NextProperty(depth))
        {
            if (Spelling(ref tokens, "route_config"u8, "routeConfig"u8) != FieldSpelling.None)
            {
                tokens.Expect();
                ReadRouteConfiguration(ref tokens, routes);
            }
            else
            {
                tokens.Skip();
            }
        }
    }

    private static void ReadRouteConfiguration(ref JsonTokenStream tokens, List<EnvoyRoute> routes)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return;
        }

        string? configName = null;
        var ignorePort = false;
        var first = routes.Count;
        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("name"u8))
            {
                configName = tokens.ReadStringValue();
            }
            else if (Spelling(ref tokens, "ignore_port_in_host_matching"u8, "ignorePortInHostMatching"u8) != FieldSpelling.None)
            {
                ignorePort = ReadBool(ref tokens) == true;
            }
            else if (Spelling(ref tokens, "virtual_hosts"u8, "virtualHosts"u8) != FieldSpelling.None)
            {
                if (tokens.EnterArrayValue(out var hosts))
                {
                    while (tokens.NextElement(hosts))
                    {
                        ReadVirtualHost(ref tokens, routes, configName);
                    }
                }
            }
            else
            {
                tokens.Skip();
            }
        }

        // Proto JSON writes name (field 1) first and ignore_port_in_host_matching (field 14) after the virtual hosts;
        // a hand-made dump may order them either way.
        for (var i = first; i < routes.Count; i++)
        {
            if ((routes[i].RouteConfig.Length == 0 && configName is not null) || ignorePort)
            {
                routes[i] = routes[i] with { RouteConfig = routes[i].RouteConfig.Length == 0 ? configName ?? "" : routes[i].RouteConfig, IgnorePortInHostMatching = ignorePort };
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReadVirtualHost(ref JsonTokenStream tokens, List<EnvoyRoute> routes, string? configName)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return;
        }

        string? hostName = null;
        ExtProcPerRoute? hostExtProc = null;
        IReadOnlyList<string> domains = [];
        var domainsLate = false;
        var first = routes.Count;
        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("name"u8))
            {
                hostName = tokens.ReadStringValue();
            }
            else if (tokens.NameIs("domains"u8))
            {
                domains = ReadDomains(ref tokens);
                domainsLate = routes.Count > first;
            }
            else if (tokens.NameIs("routes"u8))
            {
                if (tokens.EnterArrayValue(out var elements))
                {
                    while (tokens.NextElement(elements))
                    {
                        routes.Add(RouteReader.Read(ref tokens, configName ?? "", hostName ?? "", domains));
                    }
                }
            }
            else if (Spelling(ref tokens, "typed_per_filter_config"u8, "typedPerFilterConfig"u8) != FieldSpelling.None)
            {
                hostExtProc = ExtProcPerRouteReader.ReadHeldTypedPerFilterConfig(ref tokens);
            }
            else
            {
                tokens.Skip();
            }
        }

        for (var i = first; i < routes.Count; i++)
        {
            var route = routes[i];
            if ((route.ExtProc is null && hostExtProc is not null) || (route.VirtualHost.Length == 0 && hostName is not null) || domainsLate)
            {
                routes[i] = route with
                {
                    ExtProc = route.ExtProc ?? hostExtProc,
                    VirtualHost = route.VirtualHost.Length == 0 ? hostName ?? "" : route.VirtualHost,
                    Domains = domains,
                };
            }
        }
    }

    /// <summary>Most domains kept per virtual host: Istio writes a handful per host; a bound keeps a hostile dump small.</summary>
    private const int DomainLimit = 1024;

    /// <summary>With the current token the name of <c>domains</c>: its strings (one list shared by the host's routes).</summary>
    private static IReadOnlyList<string> ReadDomains(ref JsonTokenStream tokens)
    {
        if (!tokens.EnterArrayValue(out var depth))
        {
            return [];
        }

        var domains = new List<string>();
        while (tokens.NextElement(depth))
        {
            if (tokens.ScalarText() is { } domain && domains.Count < DomainLimit)
            {
                domains.Add(domain);
            }
        }

        return domains;
    }
}
