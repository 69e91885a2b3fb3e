using System.Globalization;

namespace LlmdDoctor.Core.Envoy;

/// <summary><c>ProcessingMode.HeaderSendMode</c> (envoy ext_proc v3 processing_mode.proto): DEFAULT 0, SEND 1, SKIP 2.</summary>
public enum HeaderSendMode
{
    /// <summary>A value this doctor does not know (a newer Envoy).</summary>
    Unknown = -1,
    Default = 0,
    Send = 1,
    Skip = 2,
}

/// <summary><c>ProcessingMode.BodySendMode</c>: NONE 0, STREAMED 1, BUFFERED 2, BUFFERED_PARTIAL 3, FULL_DUPLEX_STREAMED 4, GRPC 5.</summary>
public enum BodySendMode
{
    /// <summary>A value this doctor does not know (a newer Envoy).</summary>
    Unknown = -1,
    None = 0,
    Streamed = 1,
    Buffered = 2,
    BufferedPartial = 3,
    FullDuplexStreamed = 4,
    Grpc = 5,
}

/// <summary>
/// The six send modes of an ext_proc filter or per-route override. Proto3 JSON omits defaults, so an absent
/// body mode is NONE and an absent header or trailer mode is DEFAULT.
/// </summary>
public sealed record ProcessingMode(
    HeaderSendMode RequestHeader,
    HeaderSendMode ResponseHeader,
    BodySendMode RequestBody,
    BodySendMode ResponseBody,
    HeaderSendMode RequestTrailer,
    HeaderSendMode ResponseTrailer)
{
    /// <summary>The mode of a filter that sets no <c>processing_mode</c> at all.</summary>
    public static ProcessingMode Default { get; } = new(HeaderSendMode.Default, HeaderSendMode.Default, BodySendMode.None, BodySendMode.None, HeaderSendMode.Default, HeaderSendMode.Default);

    /// <summary>Envoy's spelling, e.g. <c>request_header_mode=SEND request_body_mode=FULL_DUPLEX_STREAMED …</c>.</summary>
    public override string ToString() =>
        $"request_header_mode={RequestHeader.ToEnvoyName()} response_header_mode={ResponseHeader.ToEnvoyName()} "
        + $"request_body_mode={RequestBody.ToEnvoyName()} response_body_mode={ResponseBody.ToEnvoyName()} "
        + $"request_trailer_mode={RequestTrailer.ToEnvoyName()} response_trailer_mode={ResponseTrailer.ToEnvoyName()}";
}

/// <summary>Envoy's enum names for the send modes, both ways.</summary>
public static class SendModeNames
{
    public static string ToEnvoyName(this BodySendMode mode) => mode switch
    {
        BodySendMode.None => "NONE",
        BodySendMode.Streamed => "STREAMED",
        BodySendMode.Buffered => "BUFFERED",
        BodySendMode.BufferedPartial => "BUFFERED_PARTIAL",
        BodySendMode.FullDuplexStreamed => "FULL_DUPLEX_STREAMED",
        BodySendMode.Grpc => "GRPC",
        _ => "UNKNOWN",
    };

    public static string ToEnvoyName(this HeaderSendMode mode) => mode switch
    {
        HeaderSendMode.Default => "DEFAULT",
        HeaderSendMode.Send => "SEND",
        HeaderSendMode.Skip => "SKIP",
        _ => "UNKNOWN",
    };

    /// <summary>Parses a name or (as proto JSON renders unknown enum values) a number; null or empty is NONE.</summary>
    public static BodySendMode ParseBody(string? text) => Normalize(text) switch
    {
        "" or "NONE" or "0" => BodySendMode.None,
        "STREAMED" or "1" => BodySendMode.Streamed,
        "BUFFERED" or "2" => BodySendMode.Buffered,
        "BUFFERED_PARTIAL" or "3" => BodySendMode.BufferedPartial,
        "FULL_DUPLEX_STREAMED" or "4" => BodySendMode.FullDuplexStreamed,
        "GRPC" or "5" => BodySendMode.Grpc,
        _ => BodySendMode.Unknown,
    };

    /// <summary>Parses a name or number; null or empty is DEFAULT.</summary>
    public static HeaderSendMode ParseHeader(string? text) => Normalize(text) switch
    {
        "" or "DEFAULT" or "0" => HeaderSendMode.Default,
        "SEND" or "1" => HeaderSendMode.Send,
        "SKIP" or "2" => HeaderSendMode.Skip,
        _ => HeaderSendMode.Unknown,
    };

    private static string Normalize(string? text) => (text ?? "").Trim().ToUpper(CultureInfo.InvariantCulture);
}
