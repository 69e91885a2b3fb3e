using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// What istiod does with an EnvoyFilter's patches for the gateways its workloadSelector selects
/// (istio <c>pilot/pkg/networking/core/envoyfilter/</c> @1.27.0; proto merge approximated as a JSON deep merge in
/// which lists and scalars are replaced):
/// <list type="bullet">
/// <item><c>HTTP_ROUTE</c> / <c>MERGE</c>: the value is merged into each Envoy route of the matched name.</item>
/// <item><c>HTTP_FILTER</c> / <c>MERGE</c> or <c>REPLACE</c> matching <c>subFilter.name</c>: the value is merged into,
/// or replaces, that HTTP filter in every HTTP connection manager of the gateway's listeners (e.g. the base
/// <c>envoy.filters.http.ext_proc</c> filter's <c>failure_mode_allow</c> or <c>message_timeout</c>).</item>
/// </list>
/// Other applyTo kinds and operations are not simulated.
/// </summary>
internal static class EnvoyFilterPush
{
    /// <summary>Applies the filter's patches to a config_dump; returns the new dump and whether anything changed.</summary>
    public static (byte[] Dump, bool Changed) Apply(JsonObject filter, byte[] dump)
    {
        var root = JsonNode.Parse(dump) as JsonObject ?? throw new InvalidOperationException("config_dump is not an object");
        var changed = false;
        foreach (var patch in (filter["spec"]?["configPatches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var operation = (string?)patch["patch"]?["operation"];
            if (patch["patch"]?["value"] is not JsonObject value)
            {
                continue;
            }

            var routeName = (string?)patch["match"]?["routeConfiguration"]?["vhost"]?["route"]?["name"];
            var filterName = (string?)patch["match"]?["listener"]?["filterChain"]?["filter"]?["subFilter"]?["name"];
            switch ((string?)patch["applyTo"])
            {
                case "HTTP_ROUTE" when operation == "MERGE" && routeName is not null:
                    foreach (var route in ConfigDumpJson.Routes(root).Where(r => (string?)r["name"] == routeName))
                    {
                        Merge(route, value);
                        changed = true;
                    }

                    break;
                case "HTTP_FILTER" when operation is "MERGE" or "REPLACE" && filterName is not null:
                    foreach (var (filters, index) in ConfigDumpJson.HttpFilters(root, filterName))
                    {
                        if (operation == "MERGE")
                        {
                            Merge((JsonObject)filters[index]!, value);
                        }
                        else
                        {
                            filters[index] = value.DeepClone();
                        }

                        changed = true;
                    }

                    break;
            }
        }

        return (System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()), changed);
    }

    /// <summary>The filter's workloadSelector matches the pod (an empty selector selects every workload of its namespace).</summary>
    public static bool Selects(JsonObject filter, JsonObject pod) =>
        (filter["spec"]?["workloadSelector"]?["labels"] as JsonObject ?? []).All(kv => ClusterModel.Label(pod, kv.Key) == (string?)kv.Value);

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}

/// <summary>Walks of an Envoy <c>/config_dump</c> JSON document.</summary>
internal static class ConfigDumpJson
{
    /// <summary>Every route of every RoutesConfigDump route configuration.</summary>
    public static IEnumerable<JsonObject> Routes(JsonObject dump) =>
        Configs(dump, "RoutesConfigDump")
            .SelectMany(c => (c["dynamic_route_configs"] as JsonArray ?? []).Concat(c["static_route_configs"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(rc => (rc["route_config"]?["virtual_hosts"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(vh => (vh["routes"] as JsonArray ?? []).OfType<JsonObject>());

    /// <summary>Each HTTP filter named <paramref name="name"/>: the http_filters list holding it and its index there.</summary>
    public static IEnumerable<(JsonArray Filters, int Index)> HttpFilters(JsonObject dump, string name)
    {
        foreach (var manager in ConnectionManagers(dump))
        {
            if (manager["http_filters"] is not JsonArray filters)
            {
                continue;
            }

            for (var i = 0; i < filters.Count; i++)
            {
                if ((string?)filters[i]?["name"] == name)
                {
                    yield return (filters, i);
                }
            }
        }
    }

    /// <summary>
    /// The stat namespace of the ext_proc filter: <c>http.&lt;HCM stat_prefix&gt;.ext_proc.</c> (envoy
    /// <c>source/extensions/filters/http/ext_proc/ext_proc.h</c> <c>generateStats</c>: the HCM prefix, <c>ext_proc.</c>,
    /// then the filter's own <c>stat_prefix</c>). Null when no connection manager carries the filter.
    /// </summary>
    public static string? ExtProcStatPrefix(JsonObject dump)
    {
        foreach (var manager in ConnectionManagers(dump))
        {
            var extProc = (manager["http_filters"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(f => (string?)f["name"] == "envoy.filters.http.ext_proc");
            if (extProc is not null && (string?)manager["stat_prefix"] is { } prefix)
            {
                return $"http.{prefix}.ext_proc.{(string?)extProc["typed_config"]?["stat_prefix"]}";
            }
        }

        return null;
    }

    private static IEnumerable<JsonObject> Configs(JsonObject dump, string type) =>
        (dump["configs"] as JsonArray ?? []).OfType<JsonObject>().Where(c => ((string?)c["@type"])?.EndsWith(type, StringComparison.Ordinal) == true);

    private static IEnumerable<JsonObject> ConnectionManagers(JsonObject dump) =>
        Configs(dump, "ListenersConfigDump")
            .SelectMany(c => (c["dynamic_listeners"] as JsonArray ?? []).OfType<JsonObject>().Select(l => l["active_state"]?["listener"])
                .Concat((c["static_listeners"] as JsonArray ?? []).OfType<JsonObject>().Select(l => l["listener"])))
            .OfType<JsonObject>()
            .SelectMany(l => (l["filter_chains"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(fc => (fc["filters"] as JsonArray ?? []).OfType<JsonObject>())
            .Where(f => (string?)f["name"] == "envoy.filters.network.http_connection_manager")
            .Select(f => f["typed_config"]).OfType<JsonObject>();
}
