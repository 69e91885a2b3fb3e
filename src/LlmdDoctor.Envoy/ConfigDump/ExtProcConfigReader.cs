using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Reads a listener's ext_proc filter configuration (processing mode, cluster) from proto JSON; per-route overrides are <see cref="ExtProcPerRouteReader"/>'s.</summary>
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
}
