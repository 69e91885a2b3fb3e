using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Reads one <c>config.route.v3.Route</c>.</summary>
internal static class RouteReader
{
    public static EnvoyRoute Read(JsonElement route, string routeConfig, string virtualHost, ExtProcPerRoute? virtualHostExtProc)
    {
        JsonElement? r = route;
        return new EnvoyRoute(
            routeConfig,
            virtualHost,
            r.Str("name") ?? "",
            Match(r.Prop("match")),
            r.Prop("route").Str("cluster"),
            ExtProcConfigReader.ReadTypedPerFilterConfig(r.Prop("typed_per_filter_config")) ?? virtualHostExtProc);
    }

    private static string? Match(JsonElement? match) =>
        match.Str("prefix") is { } prefix ? $"prefix:{prefix}"
        : match.Str("path") is { } path ? $"path:{path}"
        : match.Str("path_separated_prefix") is { } separated ? $"prefix:{separated}"
        : match.Prop("safe_regex").Str("regex") is { } regex ? $"regex:{regex}"
        : null;
}
