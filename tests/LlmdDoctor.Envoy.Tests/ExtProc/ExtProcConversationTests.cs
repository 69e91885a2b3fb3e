using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;
using LlmdDoctor.Envoy.Tests.Grpc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.Tests.ExtProc;

/// <summary>ext_proc conversations against the GIE-like Python EPP (real grpcio): healthy rows and each failure.</summary>
[Collection(InteropCollection.Name)]
public class ExtProcConversationTests(InteropServerFixture server)
{
    private const string ServiceUnavailableBody = "inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request";
    private static readonly ExtProcProbeRequest Chat = ExtProcProbeRequest.ChatCompletion("Qwen/Qwen3-0.6B") with
    {
        Headers = [new("authorization", "Bearer not-a-real-token"), new("x-request-id", "probe-1")],
    };

    private static ExtProcConversationOptions Options(string mode, BodySendMode body = BodySendMode.FullDuplexStreamed, TimeSpan? timeout = null, string? endpoint = null)
    {
        var metadata = new GrpcMetadata().Add("x-interop-mode", mode);
        if (endpoint is not null)
        {
            metadata.Add("x-interop-endpoint", endpoint);
        }
        return new ExtProcConversationOptions { BodyMode = body, ChunkSize = 17, Timeout = timeout ?? TimeSpan.FromSeconds(5), Metadata = metadata };
    }

    [Fact]
    public async Task Full_duplex_streamed_picks_an_endpoint_and_returns_the_body()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("epp") with { SendResponseHeaders = true });

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Null(outcome.Error);
        Assert.Null(outcome.FailedStage);
        Assert.Equal(BodySendMode.FullDuplexStreamed, outcome.Mode);
        Assert.Equal("10.0.0.7:8000", outcome.PickedEndpoint);
        Assert.Equal("10.0.0.7:8000", outcome.EndpointFromHeader);
        Assert.Equal("10.0.0.7:8000", outcome.EndpointFromMetadata);
        Assert.True(outcome.ClearRouteCache);
        Assert.Contains(new KeyValuePair<string, string>("x-request-id", "probe-1"), outcome.SetHeaders);
        Assert.Contains(new KeyValuePair<string, string>("authorization", "<redacted>"), outcome.SetHeaders);
        Assert.DoesNotContain(outcome.SetHeaders, h => h.Value.Contains("not-a-real-token"));
        Assert.Contains(new KeyValuePair<string, string>("Content-Length", outcome.ReturnedBody.Length.ToString()), outcome.SetHeaders);
        // The EPP re-marshals (sorted keys): different bytes, same JSON.
        Assert.Equal(ExtProcBodyOutcome.EquivalentJson, outcome.Body);
        Assert.False(outcome.ReturnedBody.Span.SequenceEqual(Chat.Body.Span));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Chat.Body.Span), JsonNode.Parse(outcome.ReturnedBody.Span)));
        Assert.True(outcome.ReturnedBodyChunks >= 2, $"{outcome.ReturnedBodyChunks} chunks");
        Assert.True(outcome.ResponseHeadersMarked);
        Assert.Equal(RpcStatus.Ok, outcome.GrpcStatus);
        Assert.Equal(GrpcFailureKind.None, outcome.Failure);
        // headers + ceil(body/17) chunks + response_headers were sent; headers, chunks, response_headers answered.
        Assert.Equal(2 + (Chat.Body.Length + 16) / 17, outcome.MessagesSent);
        Assert.Equal(1 + outcome.ReturnedBodyChunks + 1, outcome.MessagesReceived);
        Assert.InRange(outcome.Latency, TimeSpan.Zero, outcome.Elapsed);
    }

    [Fact]
    public async Task Full_duplex_streamed_over_tls_with_the_pinned_certificate()
    {
        using var connection = server.Tls(new GrpcTlsOptions { PinnedSha256 = server.Certificate.Sha256 });
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("epp", endpoint: "10.1.2.3:8000"));
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("10.1.2.3:8000", outcome.PickedEndpoint);
    }

    [Fact]
    public async Task Request_without_body_is_answered_on_the_headers()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(new ExtProcProbeRequest { Method = "GET", Path = "/v1/models" }, Options("epp"));
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(ExtProcBodyOutcome.NotSent, outcome.Body);
        Assert.Equal("10.0.0.7:8000", outcome.PickedEndpoint);
        Assert.Equal((1, 1), (outcome.MessagesSent, outcome.MessagesReceived));
    }

    [Fact]
    public async Task Buffered_against_a_one_answer_per_message_epp_succeeds()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("epp-buffered", BodySendMode.Buffered));
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(BodySendMode.Buffered, outcome.Mode);
        Assert.Equal("10.0.0.7:8000", outcome.PickedEndpoint);
        Assert.Equal(ExtProcBodyOutcome.EquivalentJson, outcome.Body);
        Assert.Equal(0, outcome.ReturnedBodyChunks);
        Assert.Equal((2, 2), (outcome.MessagesSent, outcome.MessagesReceived));
    }

    [Fact]
    public async Task Buffered_against_a_full_duplex_only_epp_stalls_on_the_headers()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("epp", BodySendMode.Buffered, TimeSpan.FromMilliseconds(700)));
        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Failure == GrpcFailureKind.DeadlineExceeded, $"{outcome.Failure}: {outcome.Error}");
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, outcome.GrpcStatus?.Code);
        Assert.Equal(ExtProcStage.RequestHeaders, outcome.FailedStage);
        Assert.Contains("waiting for the request_headers answer", outcome.Error);
        Assert.Contains("only implements FULL_DUPLEX_STREAMED", outcome.Error);
        Assert.Null(outcome.PickedEndpoint);
        Assert.Equal(1, outcome.MessagesSent);
    }

    [Fact]
    public async Task Immediate_response_503_is_reported_with_its_body()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("immediate-503"));
        Assert.False(outcome.Succeeded);
        Assert.Equal(new ExtProcImmediateResponse(503, ServiceUnavailableBody, "", null), outcome.ImmediateResponse);
        Assert.Equal($"EPP answered ImmediateResponse 503: {ServiceUnavailableBody}", outcome.Error);
        Assert.Equal(RpcStatus.Ok, outcome.GrpcStatus);
        Assert.Null(outcome.PickedEndpoint);
    }

    [Fact]
    public async Task Invalid_json_body_is_a_400_immediate_response()
    {
        using var connection = server.H2c();
        var request = new ExtProcProbeRequest { Path = "/v1/chat/completions", Body = Encoding.UTF8.GetBytes("{\"model\": ") };
        var outcome = await new ExtProcConversation(connection).RunAsync(request, Options("epp"));
        Assert.Equal(400, outcome.ImmediateResponse?.StatusCode);
        Assert.Equal("inference gateway: BadRequest - Error unmarshaling request body", outcome.ImmediateResponse?.Body);
    }

    [Fact]
    public async Task Abort_mid_stream_reports_status_and_what_came_before()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("abort-midstream"));
        Assert.False(outcome.Succeeded);
        Assert.Equal(new RpcStatus(GrpcStatusCode.Internal, "scheduler crashed: 100% of pods gone — réessayez"), outcome.GrpcStatus);
        Assert.Equal(GrpcFailureKind.ServerStatus, outcome.Failure);
        Assert.Equal(ExtProcStage.RequestBody, outcome.FailedStage);
        Assert.Equal("10.0.0.7:8000", outcome.EndpointFromHeader);
        Assert.Equal(ExtProcBodyOutcome.Missing, outcome.Body);
        Assert.Contains("ext_proc stream failed while Envoy was waiting for the request_body answer", outcome.Error);
        Assert.Contains("scheduler crashed", outcome.Error);
    }

    [Theory]
    [InlineData("UNIMPLEMENTED", GrpcStatusCode.Unimplemented)]
    [InlineData("UNAVAILABLE", GrpcStatusCode.Unavailable)]
    public async Task Trailers_only_error_fails_at_the_headers(string code, GrpcStatusCode expected)
    {
        using var connection = server.H2c();
        var options = Options("trailers-only");
        options.Metadata!.Add("x-interop-code", code);
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, options);
        Assert.False(outcome.Succeeded);
        Assert.Equal(expected, outcome.GrpcStatus?.Code);
        Assert.Equal(ExtProcStage.RequestHeaders, outcome.FailedStage);
        Assert.Equal(0, outcome.MessagesReceived);
        Assert.Contains($"ext_proc refused: {code.ToLowerInvariant()}", outcome.Error);
    }

    [Fact]
    public async Task Never_answering_epp_fails_within_the_deadline()
    {
        using var connection = server.H2c();
        var clock = Stopwatch.StartNew();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("never-answer", timeout: TimeSpan.FromMilliseconds(800)));
        Assert.Equal(GrpcFailureKind.DeadlineExceeded, outcome.Failure);
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, outcome.GrpcStatus?.Code);
        Assert.InRange(clock.ElapsedMilliseconds, 750, 1800);
        Assert.InRange(outcome.Elapsed.TotalMilliseconds, 750, 1800);
    }

    [Fact]
    public async Task Too_many_messages_are_bounded()
    {
        using var connection = server.H2c();
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, Options("epp") with { MaxMessages = 2 });
        Assert.False(outcome.Succeeded);
        Assert.Equal(2, outcome.MessagesReceived);
        Assert.Equal("EPP sent more than 2 messages without finishing the request", outcome.Error);
    }

    [Fact]
    public async Task Connection_refused_is_reported_not_thrown()
    {
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = new Uri($"http://127.0.0.1:{GrpcCallInteropTests.FreePort()}") });
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat);
        Assert.False(outcome.Succeeded);
        Assert.Equal(GrpcFailureKind.ConnectionRefused, outcome.Failure);
        Assert.Equal(GrpcStatusCode.Unavailable, outcome.GrpcStatus?.Code);
        Assert.Contains("connection refused", outcome.Error);
        Assert.DoesNotContain("not-a-real-token", outcome.Error);
    }

    [Fact]
    public async Task Http1_only_peer_is_reported_as_not_grpc()
    {
        using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = new Uri($"http://127.0.0.1:{server.Http1Port}") });
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, new ExtProcConversationOptions { Timeout = TimeSpan.FromSeconds(60) });
        Assert.True(outcome.Failure == GrpcFailureKind.NotHttp2, $"{outcome.Failure}: {outcome.Error}");
        Assert.Contains("not a gRPC/HTTP2 peer", outcome.Error);
    }

    [Fact]
    public async Task Untrusted_tls_is_reported_with_the_reason()
    {
        using var connection = server.Tls(GrpcTlsOptions.SystemTrust);
        // A long deadline: the handshake fails at once, but on a loaded machine it has taken over the default 5 s.
        var outcome = await new ExtProcConversation(connection).RunAsync(Chat, new ExtProcConversationOptions { Timeout = TimeSpan.FromSeconds(60) });
        Assert.True(outcome.Failure == GrpcFailureKind.Tls, $"{outcome.Failure}: {outcome.Error}");
        Assert.Contains("self-signed / untrusted root", outcome.Error);
    }

    [Fact]
    public async Task Unsupported_body_modes_are_refused()
    {
        using var connection = server.H2c();
        var conversation = new ExtProcConversation(connection);
        await Assert.ThrowsAsync<ArgumentException>(() => conversation.RunAsync(Chat, new ExtProcConversationOptions { BodyMode = BodySendMode.Streamed }));
    }
}
