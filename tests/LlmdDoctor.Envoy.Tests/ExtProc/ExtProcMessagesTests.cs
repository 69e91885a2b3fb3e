using System.Text;
using LlmdDoctor.Envoy.ExtProc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.Tests.ExtProc;

public class ExtProcMessagesTests
{
    [Fact]
    public void Request_headers_carry_pseudo_headers_and_raw_values_like_envoy()
    {
        var request = ExtProcProbeRequest.ChatCompletion("a\"b") with { Headers = [new("X-Trace", "t1")] };
        var message = ExtProcMessages.RequestHeaders(request, BodySendMode.FullDuplexStreamed);
        var headers = message.RequestHeaders.Headers.Headers;
        Assert.False(message.RequestHeaders.EndOfStream);
        Assert.Equal([":authority", ":path", ":method", ":scheme", "x-trace", "content-type", "content-length", "x-request-id"], headers.Select(h => h.Key));
        Assert.All(headers, h => Assert.Equal("", h.Value));
        Assert.Equal("/v1/chat/completions", headers[1].RawValue.ToStringUtf8());
        Assert.Equal(request.Body.Length.ToString(), headers[6].RawValue.ToStringUtf8());
        Assert.Equal(BodySendMode.FullDuplexStreamed, message.ProtocolConfig.RequestBodyMode);
        Assert.Contains("\"model\":\"a\\\"b\"", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void Body_is_chunked_with_end_of_stream_on_the_last_chunk()
    {
        var chunks = ExtProcMessages.RequestBody(Encoding.UTF8.GetBytes("0123456789"), 4).ToList();
        Assert.Equal(["0123", "4567", "89"], chunks.Select(c => c.RequestBody.Body.ToStringUtf8()));
        Assert.Equal([false, false, true], chunks.Select(c => c.RequestBody.EndOfStream));
        Assert.Empty(ExtProcMessages.RequestBody(ReadOnlyMemory<byte>.Empty, 4));
    }
}
