namespace LlmdDoctor.Envoy.Grpc;

/// <summary>gRPC status codes (grpc/grpc doc/statuscodes.md); the numeric value is the wire value.</summary>
public enum GrpcStatusCode
{
    /// <summary>Not an error.</summary>
    Ok = 0,
    /// <summary>The call was cancelled, typically by the caller.</summary>
    Cancelled = 1,
    /// <summary>Unknown error.</summary>
    Unknown = 2,
    /// <summary>The client sent an invalid argument.</summary>
    InvalidArgument = 3,
    /// <summary>The deadline expired before the call completed.</summary>
    DeadlineExceeded = 4,
    /// <summary>Some requested entity was not found.</summary>
    NotFound = 5,
    /// <summary>The entity already exists.</summary>
    AlreadyExists = 6,
    /// <summary>The caller may not do this.</summary>
    PermissionDenied = 7,
    /// <summary>A resource (quota, message size) is exhausted.</summary>
    ResourceExhausted = 8,
    /// <summary>The system is not in a state required for the operation.</summary>
    FailedPrecondition = 9,
    /// <summary>The operation was aborted.</summary>
    Aborted = 10,
    /// <summary>Operation attempted past the valid range.</summary>
    OutOfRange = 11,
    /// <summary>The method is not implemented or not supported.</summary>
    Unimplemented = 12,
    /// <summary>Internal error (also: protocol violations seen by this client).</summary>
    Internal = 13,
    /// <summary>The service is currently unavailable (connect failures, refused streams).</summary>
    Unavailable = 14,
    /// <summary>Unrecoverable data loss.</summary>
    DataLoss = 15,
    /// <summary>No valid authentication credentials.</summary>
    Unauthenticated = 16,
}

/// <summary>The outcome of a gRPC call: status code plus the (percent-decoded) status message.</summary>
public readonly record struct RpcStatus(GrpcStatusCode Code, string Detail)
{
    /// <summary>The successful status.</summary>
    public static RpcStatus Ok { get; } = new(GrpcStatusCode.Ok, "");

    /// <summary>True for <see cref="GrpcStatusCode.Ok"/>.</summary>
    public bool IsOk => Code == GrpcStatusCode.Ok;

    /// <inheritdoc />
    public override string ToString() => Detail.Length == 0 ? Code.ToString() : $"{Code}: {Detail}";
}

/// <summary>Why a call did not end normally: the transport-level cause behind an <see cref="RpcStatus"/>.</summary>
public enum GrpcFailureKind
{
    /// <summary>The call completed (its status may still be non-OK, see <see cref="ServerStatus"/>).</summary>
    None = 0,
    /// <summary>The server ended the call with a non-OK grpc-status.</summary>
    ServerStatus,
    /// <summary>TCP connection refused: nothing listens on the port.</summary>
    ConnectionRefused,
    /// <summary>The host name did not resolve.</summary>
    NameResolution,
    /// <summary>Other connect failures (timeout, unreachable network).</summary>
    ConnectFailed,
    /// <summary>TLS handshake or certificate validation failed.</summary>
    Tls,
    /// <summary>The peer does not speak HTTP/2 (HTTP/1.1 only, or ALPN did not select h2).</summary>
    NotHttp2,
    /// <summary>The peer speaks HTTP/2 but is not a gRPC server (status or content-type wrong, no grpc-status).</summary>
    NotGrpc,
    /// <summary>The peer reset the HTTP/2 stream (RST_STREAM).</summary>
    StreamReset,
    /// <summary>The connection closed under the call.</summary>
    ConnectionClosed,
    /// <summary>The call's deadline expired (noticed by this client, or by the server honouring grpc-timeout).</summary>
    DeadlineExceeded,
    /// <summary>The caller cancelled the call.</summary>
    Cancelled,
    /// <summary>A received message exceeded the configured maximum size.</summary>
    MessageTooLarge,
    /// <summary>The peer broke the gRPC protocol (undecodable message, unexpected compression, extra messages).</summary>
    ProtocolViolation,
}
