using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Reads ext_proc configuration (filter, per-route override, processing mode) from proto JSON.</summary>
internal static class ExtProcConfigReader
{
    public const string FilterName = "envoy.filters.http.ext_proc";

    public static ProcessingMode ReadProcessingMode(JsonElement? mode) => mode is not { ValueKind: JsonValueKind.Object }
        ? ProcessingMode.Default
        : new ProcessingMode(
            SendModeNames.ParseHeader(mode.Str("request_header_mode")),
            SendModeNames.ParseHeader(mode.Str("response_header_mode")),
            SendModeNames.ParseBody(mode.Str("request_body_mode")),
            SendModeNames.ParseBody(mode.Str("response_body_mode")),
            SendModeNames.ParseHeader(mode.Str("request_trailer_mode")),
            SendModeNames.ParseHeader(mode.Str("response_trailer_mode")));

    /// <summary><c>grpc_service.envoy_grpc.cluster_name</c>, else the Google gRPC target.</summary>
    public static string? ReadCluster(JsonElement? grpcService) =>
        grpcService.Prop("envoy_grpc").Str("cluster_name") ?? grpcService.Prop("google_grpc").Str("target_uri");

    /// <summary>An <c>ExternalProcessor</c> typed_config.</summary>
    public static ExtProcFilter ReadFilter(JsonElement config, string listener, string? routeConfigName) => new(
        listener,
        routeConfigName,
        ReadCluster(config.Prop("grpc_service")),
        ((JsonElement?)config).Bool("failure_mode_allow") ?? false,
        ReadProcessingMode(config.Prop("processing_mode")),
        config.Str("message_timeout"));

    /// <summary>
    /// An <c>ExtProcPerRoute</c>, also wrapped in a <c>config.route.v3.FilterConfig</c>; null for an Any of a type
    /// that is not ext_proc's.
    /// </summary>
    public static ExtProcPerRoute? ReadPerRoute(JsonElement config)
    {
        JsonElement? any = config;
        if (any.TypeName() == "FilterConfig")
        {
            any = any.Prop("config");
        }

        if (any.TypeName() is { } type && type != "ExtProcPerRoute")
        {
            return null;
        }

        if (any.Bool("disabled") == true)
        {
            return new ExtProcPerRoute(true, null, null, null);
        }

        var overrides = any.Prop("overrides");
        return new ExtProcPerRoute(
            false,
            overrides.Prop("processing_mode") is { ValueKind: JsonValueKind.Object } pm ? ReadProcessingMode(pm) : null,
            ReadCluster(overrides.Prop("grpc_service")),
            overrides.Bool("failure_mode_allow"));
    }

    /// <summary><c>typed_per_filter_config["envoy.filters.http.ext_proc"]</c> of a route or virtual host.</summary>
    public static ExtProcPerRoute? ReadTypedPerFilterConfig(JsonElement? typedPerFilterConfig) =>
        typedPerFilterConfig is { ValueKind: JsonValueKind.Object } map && map.TryGetProperty(FilterName, out var config)
            ? ReadPerRoute(config)
            : null;
}
