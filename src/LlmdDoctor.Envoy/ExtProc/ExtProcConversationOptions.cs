using LlmdDoctor.Envoy.Grpc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>How the conversation is held.</summary>
public sealed record ExtProcConversationOptions
{
    /// <summary>
    /// Request body mode: <see cref="BodySendMode.FullDuplexStreamed"/> (what GIE's EPP implements since v0.4)
    /// or <see cref="BodySendMode.Buffered"/> (Envoy waits for each answer before sending the next message).
    /// </summary>
    public BodySendMode BodyMode { get; init; } = BodySendMode.FullDuplexStreamed;

    /// <summary>Body chunk size in FULL_DUPLEX_STREAMED (BUFFERED always sends one body message).</summary>
    public int ChunkSize { get; init; } = 16 * 1024;

    /// <summary>Deadline for the whole conversation (sent as grpc-timeout and enforced locally).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most response messages accepted before the conversation is abandoned.</summary>
    public int MaxMessages { get; init; } = 256;

    /// <summary>Also send response_headers (<c>:status 200</c>, JSON content type) and record the EPP's answer.</summary>
    public bool SendResponseHeaders { get; init; }

    /// <summary>How long to wait for the EPP to close the stream after the conversation half-closed it.</summary>
    public TimeSpan CloseGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Extra gRPC request metadata.</summary>
    public GrpcMetadata? Metadata { get; init; }
}
