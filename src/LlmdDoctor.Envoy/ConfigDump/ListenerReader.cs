using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Finds the ext_proc filters in a listener's HTTP connection managers.</summary>
internal static class ListenerReader
{
    private const string ConnectionManager = "envoy.filters.network.http_connection_manager";

    public static IEnumerable<ExtProcFilter> ExtProcFilters(JsonElement listener)
    {
        JsonElement? l = listener;
        var name = l.Str("name") ?? "";
        var chains = l.Array("filter_chains").ToList();
        if (l.Prop("default_filter_chain") is { ValueKind: JsonValueKind.Object } fallback)
        {
            chains.Add(fallback);
        }

        foreach (var chain in chains)
        {
            foreach (var filter in ((JsonElement?)chain).Array("filters"))
            {
                JsonElement? f = filter;
                var typed = f.Prop("typed_config");
                if (f.Str("name") != ConnectionManager && typed.TypeName() != "HttpConnectionManager")
                {
                    continue;
                }

                var routeConfig = typed.Prop("rds").Str("route_config_name") ?? typed.Prop("route_config").Str("name");
                foreach (var httpFilter in typed.Array("http_filters"))
                {
                    JsonElement? h = httpFilter;
                    var config = h.Prop("typed_config");
                    if ((h.Str("name") == ExtProcConfigReader.FilterName || config.TypeName() == "ExternalProcessor")
                        && config is { ValueKind: JsonValueKind.Object } c)
                    {
                        yield return ExtProcConfigReader.ReadFilter(c, name, routeConfig);
                    }
                }
            }
        }
    }
}
