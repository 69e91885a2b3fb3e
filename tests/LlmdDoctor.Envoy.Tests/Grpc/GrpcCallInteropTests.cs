using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Envoy.Service.ExtProc.V3;
using Grpc.Health.V1;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>The gRPC client against grpcio and scripted peers: streaming, metadata, statuses and every failure it must name.</summary>
[Collection(InteropCollection.Name)]
public class GrpcCallInteropTests(InteropServerFixture server)
{
    private static readonly GrpcMethod<ProcessingRequest, ProcessingResponse> Process = ExtProcConversation.ProcessMethod;

    private static GrpcCallOptions Mode(string mode, TimeSpan? timeout = null, string? code = null)
    {
        var metadata = new GrpcMetadata().Add("x-interop-mode", mode).Add("x-interop-echo", "hello-from-dotnet");
        if (code is not null)
        {
            metadata.Add("x-interop-code", code);
        }
        return new GrpcCallOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5), Metadata = metadata };
    }

    private static ProcessingRequest GetHeaders() =>
        ExtProcMessages.RequestHeaders(new ExtProcProbeRequest { Method = "GET", Path = "/v1/models" }, BodySendMode.FullDuplexStreamed);

    [Fact]
    public async Task Duplex_call_carries_metadata_both_ways_and_ends_with_ok()
    {
        using var connection = server.H2c();
        await using var call = connection.StartDuplex(Process, Mode("epp"));
        Assert.True(call.Write(GetHeaders()));
        var first = await call.ReadAsync();
        Assert.NotNull(first);
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, first.ResponseCase);
        Assert.Equal("hello-from-dotnet", call.ResponseHeaders.Get("x-interop-echo"));
        Assert.Null(call.Status);
        call.CompleteRequest();
        Assert.Null(await call.ReadAsync());
        Assert.Equal(RpcStatus.Ok, call.Status);
        Assert.Equal("done", call.Trailers.Get("x-interop-trailer"));
        Assert.Equal("0", call.Trailers.Get("grpc-status"));
        Assert.False(call.Write(GetHeaders()), "writes after the call ended are refused");
    }

    [Fact]
    public async Task Unary_call_returns_the_message_and_metadata()
    {
        using var connection = server.H2c();
        var response = await connection.UnaryAsync(GrpcHealthClient.CheckMethod, new HealthCheckRequest { Service = "liveness" });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Message.Status);
        Assert.Equal("0", response.Trailers.Get("grpc-status"));
    }

    [Fact]
    public async Task Twenty_concurrent_calls_share_one_connection()
    {
        using var connection = server.H2c();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => new GrpcHealthClient(connection).CheckAsync("", TimeSpan.FromSeconds(5))));
        Assert.All(results, r => Assert.True(r.IsServing, r.Error));
    }

    [Theory]
    [InlineData("UNIMPLEMENTED", GrpcStatusCode.Unimplemented)]
    [InlineData("UNAVAILABLE", GrpcStatusCode.Unavailable)]
    [InlineData("PERMISSION_DENIED", GrpcStatusCode.PermissionDenied)]
    public async Task Trailers_only_error_is_read_from_the_response_headers(string code, GrpcStatusCode expected)
    {
        using var connection = server.H2c();
        await using var call = connection.StartDuplex(Process, Mode("trailers-only", code: code));
        call.Write(GetHeaders());
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Equal(GrpcFailureKind.ServerStatus, e.Failure);
        Assert.Equal(new RpcStatus(expected, $"ext_proc refused: {code.ToLowerInvariant()}"), e.Status);
        Assert.Equal(e.Status, call.Status);
        Assert.Equal(((int)expected).ToString(), call.Trailers.Get("grpc-status"));
        var again = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Same(e, again);
    }

    [Fact]
    public async Task Unknown_method_is_unimplemented()
    {
        using var connection = server.H2c();
        var method = new GrpcMethod<HealthCheckRequest, HealthCheckResponse>("grpc.health.v1.Health", "NoSuchMethod", HealthCheckResponse.Parser);
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => connection.UnaryAsync(method, new HealthCheckRequest()));
        Assert.Equal(GrpcStatusCode.Unimplemented, e.Status.Code);
        Assert.Equal(GrpcFailureKind.ServerStatus, e.Failure);
    }

    [Fact]
    public async Task Abort_mid_stream_keeps_the_messages_before_it_and_decodes_the_status_message()
    {
        using var connection = server.H2c();
        await using var call = connection.StartDuplex(Process, Mode("abort-midstream"));
        foreach (var m in ExtProcMessages.RequestBody("{\"model\":\"m\"}"u8.ToArray(), 5).Prepend(ExtProcMessages.RequestHeaders(new ExtProcProbeRequest { Path = "/v1/completions", Body = "{\"model\":\"m\"}"u8.ToArray() }, default)))
        {
            call.Write(m);
        }
        var first = await call.ReadAsync();
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, first!.ResponseCase);
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Equal(new RpcStatus(GrpcStatusCode.Internal, "scheduler crashed: 100% of pods gone — réessayez"), e.Status);
    }

    [Fact]
    public async Task Never_answering_server_hits_the_deadline_on_time()
    {
        using var connection = server.H2c();
        var clock = Stopwatch.StartNew();
        await using var call = connection.StartDuplex(Process, Mode("never-answer", TimeSpan.FromMilliseconds(500)));
        call.Write(GetHeaders());
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.Status.Code);
        Assert.InRange(clock.ElapsedMilliseconds, 450, 1500);
    }

    [Fact]
    public async Task Silent_tcp_peer_hits_the_client_side_deadline()
    {
        await using var peer = new RawHttp2Peer(RawHttp2Peer.Behaviour.Silent);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = peer.Address });
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<GrpcCallException>(() =>
            connection.UnaryAsync(GrpcHealthClient.CheckMethod, new HealthCheckRequest(), new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(400) }));
        Assert.Equal(GrpcFailureKind.DeadlineExceeded, e.Failure);
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, e.Status.Code);
        Assert.Contains("deadline of 400 ms exceeded", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 350, 1400);
    }

    [Fact]
    public async Task Caller_cancellation_is_cancelled_not_deadline()
    {
        using var connection = server.H2c();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await using var call = connection.StartDuplex(Process, Mode("never-answer"), cts.Token);
        call.Write(GetHeaders());
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Equal(GrpcFailureKind.Cancelled, e.Failure);
        Assert.Equal(GrpcStatusCode.Cancelled, e.Status.Code);
    }

    [Fact]
    public async Task Message_above_the_receive_limit_is_resource_exhausted()
    {
        using var connection = server.H2c(maxReceive: 1024 * 1024);
        await using var call = connection.StartDuplex(Process, Mode("big-message"));
        call.Write(ExtProcMessages.RequestHeaders(new ExtProcProbeRequest { Path = "/v1/completions", Body = "{}"u8.ToArray() }, default));
        call.Write(ExtProcMessages.RequestBody("{}"u8.ToArray(), 10).Single());
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.Equal(GrpcFailureKind.MessageTooLarge, e.Failure);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, e.Status.Code);
        Assert.Contains("above the 1048576-byte receive limit", e.Message);
    }

    [Fact]
    public async Task Connection_refused_is_named()
    {
        var port = FreePort();
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = new Uri($"http://127.0.0.1:{port}") });
        var result = await new GrpcHealthClient(connection).CheckAsync("", TimeSpan.FromSeconds(5));
        Assert.Equal(GrpcFailureKind.ConnectionRefused, result.Failure);
        Assert.Equal(GrpcStatusCode.Unavailable, result.Status.Code);
        Assert.Contains($"connection refused by 127.0.0.1:{port}", result.Error);
    }

    [Fact]
    public async Task Http1_only_peer_is_not_a_grpc_http2_peer()
    {
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = new Uri($"http://127.0.0.1:{server.Http1Port}") });
        var result = await new GrpcHealthClient(connection).CheckAsync("", TimeSpan.FromSeconds(60));
        Assert.True(result.Failure == GrpcFailureKind.NotHttp2, $"{result.Failure}: {result.Error}");
        Assert.Contains("not a gRPC/HTTP2 peer", result.Error);
    }

    // REFUSED_STREAM (0x7) is not a row: SocketsHttpHandler retries a refused stream by itself (RFC 9113 §8.7 says the
    // request was not processed), so what finally surfaces depends on retry timing; one CI run out of several failed
    // on it. Its mapping (Unavailable) is kept in GrpcErrors.
    [Theory]
    [InlineData(RawHttp2Peer.Behaviour.ResetBeforeHeaders, 0x2u, GrpcStatusCode.Internal, "INTERNAL_ERROR")]
    [InlineData(RawHttp2Peer.Behaviour.ResetAfterHeaders, 0x8u, GrpcStatusCode.Cancelled, "CANCEL")]
    public async Task Reset_stream_is_mapped_to_a_status(RawHttp2Peer.Behaviour behaviour, uint code, GrpcStatusCode expected, string name)
    {
        await using var peer = new RawHttp2Peer(behaviour, code);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = peer.Address });
        var e = await Assert.ThrowsAsync<GrpcCallException>(() =>
            connection.UnaryAsync(GrpcHealthClient.CheckMethod, new HealthCheckRequest(), new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(5) }));
        Assert.True(e.Failure == GrpcFailureKind.StreamReset, e.Message);
        Assert.Equal(expected, e.Status.Code);
        Assert.Contains($"stream reset by the peer (HTTP/2 {name})", e.Message);
    }

    // Fault matrix, CI 2026-12-03: a peer that resets the stream while a message is still being written made the write
    // side throw HttpProtocolException out of the call's disposal (a crash of the cycle, not a finding). A 1 MiB message
    // cannot pass the peer's 64 KiB flow-control window, so the reset always lands mid-write here.
    [Theory]
    [InlineData(RawHttp2Peer.Behaviour.ResetBeforeHeaders, 0x2u)]
    [InlineData(RawHttp2Peer.Behaviour.ResetAfterHeaders, 0x2u)]
    public async Task Reset_during_a_large_write_ends_as_a_call_failure(RawHttp2Peer.Behaviour behaviour, uint code)
    {
        await using var peer = new RawHttp2Peer(behaviour, code);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = peer.Address });
        var call = connection.StartDuplex(GrpcHealthClient.CheckMethod, new GrpcCallOptions { Timeout = TimeSpan.FromSeconds(5) });
        Assert.True(call.Write(new HealthCheckRequest { Service = new string('x', 1 << 20) }));
        call.CompleteRequest();
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadAsync());
        Assert.NotEqual(GrpcFailureKind.None, e.Failure);
        await call.DisposeAsync();
    }

    [Theory]
    [InlineData(RawHttp2Peer.Behaviour.HtmlResponse, GrpcStatusCode.Internal, "HTTP 200 with content-type text/html")]
    [InlineData(RawHttp2Peer.Behaviour.Status404, GrpcStatusCode.Unimplemented, "HTTP 404 with content-type text/plain")]
    public async Task Http2_peer_that_is_not_grpc_is_named(RawHttp2Peer.Behaviour behaviour, GrpcStatusCode expected, string detail)
    {
        await using var peer = new RawHttp2Peer(behaviour);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = peer.Address });
        var result = await new GrpcHealthClient(connection).CheckAsync("", TimeSpan.FromSeconds(5));
        Assert.Equal(GrpcFailureKind.NotGrpc, result.Failure);
        Assert.Equal(expected, result.Status.Code);
        Assert.Contains(detail, result.Error);
        Assert.Contains("not a gRPC server", result.Error);
    }

    [Fact]
    public async Task Grpc_answer_ending_without_a_status_is_named()
    {
        await using var peer = new RawHttp2Peer(RawHttp2Peer.Behaviour.NoGrpcStatus);
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = peer.Address });
        var result = await new GrpcHealthClient(connection).CheckAsync("", TimeSpan.FromSeconds(5));
        Assert.Equal(GrpcFailureKind.NotGrpc, result.Failure);
        Assert.Equal(GrpcStatusCode.Internal, result.Status.Code);
        Assert.Contains("ended the response without grpc-status", result.Error);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
