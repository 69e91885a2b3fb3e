using System.Text.Json;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// What an EnvoyFilter does to ext_proc and to which routes: read from its <c>configPatches</c>. Patch values
/// are Envoy config in proto JSON, which Istio accepts in snake_case and camelCase alike.
/// </summary>
/// <param name="Filter">The EnvoyFilter.</param>
/// <param name="RequestBodyModes">Request body modes its ext_proc patches set (HTTP_ROUTE overrides or the HTTP_FILTER).</param>
/// <param name="RouteNames">Route names its HTTP_ROUTE patches match (<c>routeConfiguration.vhost.route.name</c>).</param>
/// <param name="AppliesToGateways">At least one patch has context GATEWAY or ANY (or none).</param>
public sealed record EnvoyFilterExtProcView(
    EnvoyFilter Filter,
    IReadOnlyList<BodySendMode> RequestBodyModes,
    IReadOnlyList<string> RouteNames,
    bool AppliesToGateways)
{
    public const string ExtProcFilterName = "envoy.filters.http.ext_proc";

    /// <summary><c>namespace/name</c> of the EnvoyFilter.</summary>
    public string Key => Filter.Metadata.Key;

    /// <summary>It switches ext_proc's request body away from FULL_DUPLEX_STREAMED: a body-loss workaround.</summary>
    public bool IsBodyModeWorkaround => AppliesToGateways && RequestBodyModes.Any(m => m is not BodySendMode.FullDuplexStreamed and not BodySendMode.Unknown);

    /// <summary>The mode the workaround switches to, in Envoy's spelling (<c>BUFFERED</c>).</summary>
    public string PatchedMode => string.Join(",", RequestBodyModes.Where(m => m != BodySendMode.FullDuplexStreamed).Select(m => m.ToEnvoyName()).Distinct());

    public static EnvoyFilterExtProcView Of(EnvoyFilter filter)
    {
        var modes = new List<BodySendMode>();
        var routeNames = new List<string>();
        var gateways = false;
        foreach (var patch in filter.Spec.ConfigPatches)
        {
            var context = patch.Match?.Context;
            var forGateways = context is null or "" or "ANY" or "GATEWAY";
            gateways |= forGateways;
            var applyTo = patch.ApplyTo ?? "";
            if (applyTo == "HTTP_ROUTE" && patch.Match?.RouteConfiguration?.Vhost?.Route?.Name is { Length: > 0 } routeName)
            {
                routeNames.Add(routeName);
            }

            if (patch.Patch?.Value is not { ValueKind: JsonValueKind.Object } value)
            {
                continue;
            }

            var processingMode = applyTo switch
            {
                "HTTP_ROUTE" or "VIRTUAL_HOST" or "ROUTE_CONFIGURATION" => RouteProcessingMode(value),
                "HTTP_FILTER" when TargetsExtProc(patch, value) => FilterProcessingMode(value),
                _ => null,
            };
            if (processingMode is { } pm && Prop(pm, "request_body_mode") is { ValueKind: JsonValueKind.String or JsonValueKind.Number } bodyMode)
            {
                modes.Add(SendModeNames.ParseBody(bodyMode.ToString()));
            }
        }

        return new EnvoyFilterExtProcView(filter, modes, routeNames, gateways);
    }

    private static JsonElement? RouteProcessingMode(JsonElement value) =>
        Prop(value, "typed_per_filter_config") is { } perFilter && Prop(perFilter, ExtProcFilterName) is { } extProc
            && Prop(extProc, "overrides") is { } overrides
            ? Prop(overrides, "processing_mode")
            : null;

    private static JsonElement? FilterProcessingMode(JsonElement value) =>
        Prop(value, "typed_config") is { } typed ? Prop(typed, "processing_mode") : null;

    private static bool TargetsExtProc(EnvoyConfigPatch patch, JsonElement value) =>
        patch.Match?.Listener?.FilterChain?.Filter?.SubFilter?.Name == ExtProcFilterName
        || (Prop(value, "name") is { ValueKind: JsonValueKind.String } name && name.GetString() == ExtProcFilterName);

    /// <summary>Reads a proto JSON field by its snake_case name or its camelCase JSON name.</summary>
    internal static JsonElement? Prop(JsonElement obj, string snakeName)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (obj.TryGetProperty(snakeName, out var value))
        {
            return value;
        }

        var camel = ToCamel(snakeName);
        return camel != snakeName && obj.TryGetProperty(camel, out value) ? value : null;
    }

    private static string ToCamel(string snake)
    {
        if (!snake.Contains('_', StringComparison.Ordinal))
        {
            return snake;
        }

        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
