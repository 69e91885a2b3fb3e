using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Google.Protobuf;
using Grpc.Core;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>Turns RpcExceptions, transport exceptions and non-gRPC answers into <see cref="GrpcCallException"/>s with a clear reason.</summary>
internal static class GrpcErrors
{
    public static GrpcCallException FromTransport(Exception exception, string target, string? tlsFailure)
    {
        if (exception is GrpcCallException call)
        {
            return call;
        }
        if (Find<HttpProtocolException>(exception) is { } reset)
        {
            return FromHttp2Error(reset, target);
        }
        if (Find<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => Unavailable(GrpcFailureKind.ConnectionRefused, $"connection refused by {target} (nothing listening on the port)", exception),
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => Unavailable(GrpcFailureKind.NameResolution, $"cannot resolve {target}: {socket.SocketErrorCode}", exception),
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => Unavailable(GrpcFailureKind.ConnectionClosed, $"connection to {target} was reset by the peer", exception),
                _ => Unavailable(GrpcFailureKind.ConnectFailed, $"cannot connect to {target}: {socket.SocketErrorCode}", exception),
            };
        }
        if (exception is HttpRequestException request)
        {
            switch (request.HttpRequestError)
            {
                case HttpRequestError.SecureConnectionError:
                    var reason = tlsFailure ?? Find<AuthenticationException>(exception)?.Message ?? request.Message;
                    if (tlsFailure is null && reason.Contains("ALPN", StringComparison.OrdinalIgnoreCase))
                    {
                        return Unavailable(GrpcFailureKind.NotHttp2, $"TLS peer {target} did not negotiate HTTP/2 (ALPN h2): not a gRPC server", exception);
                    }
                    return Unavailable(GrpcFailureKind.Tls, $"TLS handshake with {target} failed: {reason}", exception);
                case HttpRequestError.VersionNegotiationError:
                    return Unavailable(GrpcFailureKind.NotHttp2, $"{target} did not negotiate HTTP/2 (ALPN h2): not a gRPC/HTTP2 peer", exception);
                case HttpRequestError.NameResolutionError:
                    return Unavailable(GrpcFailureKind.NameResolution, $"cannot resolve {target}", exception);
                case HttpRequestError.HttpProtocolError:
                case HttpRequestError.InvalidResponse:
                    return Unavailable(GrpcFailureKind.NotHttp2, $"{target} answered with something that is not HTTP/2 (an HTTP/1.1-only server?): not a gRPC/HTTP2 peer", exception);
                case HttpRequestError.ResponseEnded:
                    return Unavailable(GrpcFailureKind.ConnectionClosed, $"{target} closed the connection before answering", exception);
                case HttpRequestError.ConnectionError:
                    return Unavailable(GrpcFailureKind.ConnectFailed, $"cannot connect to {target}: {request.Message}", exception);
                case HttpRequestError.Unknown when request.InnerException is null:
                    // SocketsHttpHandler's connection pool fails the first request this way when a new HTTP/2
                    // connection shut down before it could carry one stream (dotnet/runtime HttpConnectionPool
                    // ReturnHttp2Connection, net_http_http2_connection_not_established): an HTTP/1.1 server's answer
                    // read as frames ends the connection during the handshake. Seen against the interop suite's
                    // HTTP/1.1-only peer, alternating with InvalidResponse depending on timing.
                    return Unavailable(GrpcFailureKind.NotHttp2, $"{target} did not complete the HTTP/2 handshake (an HTTP/1.1-only server?): not a gRPC/HTTP2 peer", exception);
                default:
                    break;
            }
        }
        if (exception is HttpIOException io)
        {
            return io.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => Unavailable(GrpcFailureKind.ConnectionClosed, $"{target} closed the connection in the middle of the call", exception),
                HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => Unavailable(GrpcFailureKind.NotHttp2, $"{target} sent invalid HTTP/2 data: {io.Message}", exception),
                _ => Unavailable(GrpcFailureKind.ConnectionClosed, $"I/O error talking to {target}: {io.Message}", exception),
            };
        }
        if (exception is IOException)
        {
            return Unavailable(GrpcFailureKind.ConnectionClosed, $"I/O error talking to {target}: {exception.Message}", exception);
        }
        return new GrpcCallException(new RpcStatus(GrpcStatusCode.Unknown, exception.Message), GrpcFailureKind.ProtocolViolation,
            $"unexpected error talking to {target}: {exception.GetType().Name}: {exception.Message}", exception);
    }

    // HTTP/2 error code → gRPC status, from grpc/grpc doc/PROTOCOL-HTTP2.md "Errors".
    private static GrpcCallException FromHttp2Error(HttpProtocolException error, string target)
    {
        var (code, name) = error.ErrorCode switch
        {
            0x0 => (GrpcStatusCode.Internal, "NO_ERROR"),
            0x1 => (GrpcStatusCode.Internal, "PROTOCOL_ERROR"),
            0x2 => (GrpcStatusCode.Internal, "INTERNAL_ERROR"),
            0x3 => (GrpcStatusCode.Internal, "FLOW_CONTROL_ERROR"),
            0x6 => (GrpcStatusCode.Internal, "FRAME_SIZE_ERROR"),
            0x7 => (GrpcStatusCode.Unavailable, "REFUSED_STREAM"),
            0x8 => (GrpcStatusCode.Cancelled, "CANCEL"),
            0xb => (GrpcStatusCode.ResourceExhausted, "ENHANCE_YOUR_CALM"),
            0xc => (GrpcStatusCode.PermissionDenied, "INADEQUATE_SECURITY"),
            0xd => (GrpcStatusCode.Internal, "HTTP_1_1_REQUIRED"),
            var other => (GrpcStatusCode.Internal, $"0x{other:x}"),
        };
        // .NET raises HttpProtocolException both for a peer's RST_STREAM and for a connection error it
        // detected itself (e.g. an HTTP/1.1 answer parsed as HTTP/2 frames); only the message tells them apart.
        if (error.Message.Contains("reset the stream", StringComparison.OrdinalIgnoreCase))
        {
            var reset = $"stream reset by the peer (HTTP/2 {name})";
            return new GrpcCallException(new RpcStatus(code, reset), GrpcFailureKind.StreamReset, reset, error);
        }
        if (error.ErrorCode is 0x1 or 0x6 || error.ErrorCode == 0xd)
        {
            var notHttp2 = $"{target} sent data that is not HTTP/2 ({name}; an HTTP/1.1-only server?): not a gRPC/HTTP2 peer";
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Unavailable, notHttp2), GrpcFailureKind.NotHttp2, notHttp2, error);
        }
        var closed = $"HTTP/2 connection to {target} failed ({name})";
        return new GrpcCallException(new RpcStatus(code, closed), GrpcFailureKind.ConnectionClosed, closed, error);
    }

    /// <summary>A response that is not a gRPC answer (wrong HTTP status or content type) without grpc-status.</summary>
    public static GrpcCallException NotGrpc(HttpStatusCode status, string? contentType, string target)
    {
        // HTTP status → gRPC status for non-gRPC answers, from grpc/grpc doc/http-grpc-status-mapping.md.
        var code = (int)status switch
        {
            400 => GrpcStatusCode.Internal,
            401 => GrpcStatusCode.Unauthenticated,
            403 => GrpcStatusCode.PermissionDenied,
            404 => GrpcStatusCode.Unimplemented,
            429 or 502 or 503 or 504 => GrpcStatusCode.Unavailable,
            200 => GrpcStatusCode.Internal,
            _ => GrpcStatusCode.Unknown,
        };
        var message = $"{target} answered HTTP {(int)status} with content-type {contentType ?? "none"}: not a gRPC server (expected 200 application/grpc)";
        return new GrpcCallException(new RpcStatus(code, message), GrpcFailureKind.NotGrpc, message);
    }

    /// <summary>The status Grpc.Net.Client ended the call with; it has already percent-decoded grpc-message.</summary>
    public static RpcStatus StatusOf(RpcException exception) =>
        new(exception.StatusCode is >= StatusCode.OK and <= StatusCode.Unauthenticated ? (GrpcStatusCode)exception.StatusCode : GrpcStatusCode.Unknown,
            exception.Status.Detail);

    /// <summary>
    /// Classifies a call that Grpc.Net.Client ended with <paramref name="exception"/> (deadline and caller
    /// cancellation are told apart by the call, which knows both): a peer that is not a gRPC server, a message
    /// above the receive cap, an undecodable message, a transport failure (the RpcException's inner exception),
    /// else the server's own status.
    /// </summary>
    public static GrpcCallException FromRpc(Exception exception, GrpcHttpAnswer answer, string responseType, GrpcConnection connection)
    {
        var target = connection.Target;
        if (exception is not RpcException rpc)
        {
            return FromTransport(exception, target, connection.TlsFailure);
        }
        var status = StatusOf(rpc);
        if (answer.Status is { } http && !answer.HasGrpcStatus
            && (http != HttpStatusCode.OK || answer.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true))
        {
            return NotGrpc(http, answer.ContentType, target);
        }
        var inner = rpc.Status.DebugException;
        if (Find<InvalidProtocolBufferException>(inner) is { } undecodable)
        {
            var message = $"cannot decode a {responseType} from the peer: {undecodable.Message}";
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message, rpc);
        }
        if (Find<InvalidDataException>(inner) is { } broken)
        {
            var message = $"{target} broke gRPC framing: {broken.Message}";
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message, rpc);
        }
        if (inner is not null && (Find<HttpRequestException>(inner) ?? Find<IOException>(inner) ?? Find<HttpProtocolException>(inner) ?? (Exception?)Find<SocketException>(inner) ?? Find<AuthenticationException>(inner)) is not null)
        {
            return FromTransport(inner, target, connection.TlsFailure);
        }
        if (status.Code == GrpcStatusCode.ResourceExhausted && status.Detail == ReceivedMessageExceedsLimit)
        {
            var limit = connection.Options.MaxReceiveMessageSize;
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.ResourceExhausted, $"received message larger than max ({limit})"),
                GrpcFailureKind.MessageTooLarge, $"peer sent a message above the {limit}-byte receive limit", rpc);
        }
        if (status.Detail == NoGrpcStatus)
        {
            var message = $"{target} ended the response without grpc-status: not a gRPC server, or the call was cut off";
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.NotGrpc, message, rpc);
        }
        return new GrpcCallException(status, GrpcFailureKind.ServerStatus, $"server ended the call with {status}", rpc);
    }

    // Statuses Grpc.Net.Client makes up itself, with no inner exception to tell them by
    // (grpc-dotnet src/Grpc.Net.Client/Internal/StreamExtensions.cs and GrpcProtocolHelpers.cs, 2.85.0).
    private const string ReceivedMessageExceedsLimit = "Received message exceeds the maximum configured message size.";
    private const string NoGrpcStatus = "No grpc-status found on response.";

    private static GrpcCallException Unavailable(GrpcFailureKind kind, string message, Exception inner) =>
        new(new RpcStatus(GrpcStatusCode.Unavailable, message), kind, message, inner);

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }
        return null;
    }
}
