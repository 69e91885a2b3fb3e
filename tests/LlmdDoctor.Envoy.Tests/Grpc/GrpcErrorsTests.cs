using System.Net.Http;
using System.Net.Sockets;
using LlmdDoctor.Envoy.Grpc;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>
/// Transport exceptions as SocketsHttpHandler raises them, mapped to what failed. The interop suite meets each of them
/// against real peers, but which one a peer produces can depend on timing; this table pins the mapping itself.
/// </summary>
public sealed class GrpcErrorsTests
{
    public static TheoryData<string, Exception, GrpcFailureKind> Rows() => new()
    {
        // HttpConnectionPool.ReturnHttp2Connection: a new HTTP/2 connection shut down before its first stream.
        { "handshake never completed", new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake."), GrpcFailureKind.NotHttp2 },
        { "answer is not HTTP/2", new HttpRequestException(HttpRequestError.InvalidResponse, "invalid"), GrpcFailureKind.NotHttp2 },
        { "reset while connecting", new HttpRequestException("error", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), GrpcFailureKind.ConnectionClosed },
        { "refused", new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), GrpcFailureKind.ConnectionRefused },
        { "connect error without a socket code", new HttpRequestException(HttpRequestError.ConnectionError, "cannot connect"), GrpcFailureKind.ConnectFailed },
        // Expect no transport meaning: an exception that is not the transport's stays "unexpected", never NotHttp2.
        { "not a transport failure", new InvalidOperationException("bug"), GrpcFailureKind.ProtocolViolation },
        { "request error with an unknown cause", new HttpRequestException("wrapped", new InvalidOperationException("bug")), GrpcFailureKind.ProtocolViolation },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Transport_failures_name_what_failed(string why, Exception exception, GrpcFailureKind expected)
    {
        var mapped = GrpcErrors.FromTransport(exception, "127.0.0.1:9002", tlsFailure: null);
        Assert.True(mapped.Failure == expected, $"{why}: {mapped.Failure}: {mapped.Message}");
    }
}
