using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// What istiod does with an EnvoyFilter's <c>HTTP_ROUTE</c> / <c>MERGE</c> patches for the gateways its workloadSelector
/// selects: the patch value is merged into each Envoy route of that name (proto merge, approximated as a JSON deep
/// merge in which lists and scalars are replaced). Other applyTo kinds are not simulated.
/// </summary>
internal static class EnvoyFilterPush
{
    /// <summary>Applies the filter's route patches to a config_dump; returns the new dump and whether anything changed.</summary>
    public static (byte[] Dump, bool Changed) Apply(JsonObject filter, byte[] dump)
    {
        var root = JsonNode.Parse(dump) as JsonObject ?? throw new InvalidOperationException("config_dump is not an object");
        var changed = false;
        foreach (var patch in (filter["spec"]?["configPatches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var routeName = (string?)patch["match"]?["routeConfiguration"]?["vhost"]?["route"]?["name"];
            if ((string?)patch["applyTo"] != "HTTP_ROUTE" || (string?)patch["patch"]?["operation"] != "MERGE"
                || routeName is null || patch["patch"]?["value"] is not JsonObject value)
            {
                continue;
            }

            foreach (var route in Routes(root).Where(r => (string?)r["name"] == routeName))
            {
                Merge(route, value);
                changed = true;
            }
        }

        return (System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()), changed);
    }

    /// <summary>The filter's workloadSelector matches the pod (an empty selector selects every workload of its namespace).</summary>
    public static bool Selects(JsonObject filter, JsonObject pod) =>
        (filter["spec"]?["workloadSelector"]?["labels"] as JsonObject ?? []).All(kv => ClusterModel.Label(pod, kv.Key) == (string?)kv.Value);

    private static IEnumerable<JsonObject> Routes(JsonObject dump) =>
        (dump["configs"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => ((string?)c["@type"])?.EndsWith("RoutesConfigDump", StringComparison.Ordinal) == true)
            .SelectMany(c => (c["dynamic_route_configs"] as JsonArray ?? []).Concat(c["static_route_configs"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(rc => (rc["route_config"]?["virtual_hosts"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(vh => (vh["routes"] as JsonArray ?? []).OfType<JsonObject>());

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
