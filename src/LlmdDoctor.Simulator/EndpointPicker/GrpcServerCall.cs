using System.Text;
using Google.Protobuf;
using LlmdDoctor.Envoy.Grpc;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.EndpointPicker;

/// <summary>
/// A gRPC call served by hand on Kestrel (Grpc.AspNetCore is not available): HTTP/2, <c>content-type:
/// application/grpc</c>, length-prefixed messages both ways, status in response trailers, or in the headers
/// for a trailers-only answer (grpc/grpc doc/PROTOCOL-HTTP2.md; platform-notes "gRPC on Kestrel").
/// </summary>
internal sealed class GrpcServerCall(HttpContext context)
{
    private const int MaxMessage = 4 * 1024 * 1024;
    private bool _started;

    public HttpContext Context { get; } = context;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>Checks the request is gRPC over HTTP/2; answers it (415 / trailers-only) and returns false when not.</summary>
    public async Task<bool> AcceptAsync()
    {
        if (!HttpMethods.IsPost(Context.Request.Method) || Context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            Context.Response.StatusCode = 415;
            Context.Response.ContentType = "text/plain";
            await Context.Response.WriteAsync("not a gRPC request\n", Aborted);
            return false;
        }

        return true;
    }

    /// <summary>The next request message, or null when the client half-closed.</summary>
    public async Task<TMessage?> ReadAsync<TMessage>(MessageParser<TMessage> parser)
        where TMessage : class, IMessage<TMessage>
    {
        var payload = await GrpcFraming.ReadAsync(Context.Request.Body, MaxMessage, Aborted).ConfigureAwait(false);
        return payload is null ? null : parser.ParseFrom(payload);
    }

    public async Task WriteAsync(IMessage message)
    {
        await StartAsync().ConfigureAwait(false);
        await Context.Response.Body.WriteAsync(GrpcFraming.Frame(message), Aborted).ConfigureAwait(false);
        await Context.Response.Body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    /// <summary>Ends the call with a status: in trailers, or (nothing written yet) as a trailers-only response.</summary>
    public async Task FinishAsync(GrpcStatusCode code, string message = "")
    {
        if (!_started)
        {
            Context.Response.StatusCode = 200;
            Context.Response.ContentType = "application/grpc";
            Context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (message.Length > 0)
            {
                Context.Response.Headers["grpc-message"] = PercentEncode(message);
            }

            await Context.Response.StartAsync(Aborted).ConfigureAwait(false);
            return;
        }

        Context.Response.AppendTrailer("grpc-status", ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (message.Length > 0)
        {
            Context.Response.AppendTrailer("grpc-message", PercentEncode(message));
        }
    }

    private async Task StartAsync()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Context.Response.StatusCode = 200;
        Context.Response.ContentType = "application/grpc";
        Context.Response.Headers["grpc-accept-encoding"] = "identity";
        Context.Response.DeclareTrailer("grpc-status");
        await Context.Response.StartAsync(Aborted).ConfigureAwait(false);
    }

    /// <summary>grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md: every byte outside 0x20–0x7E and '%').</summary>
    private static string PercentEncode(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            builder.Append(b is >= 0x20 and <= 0x7e and not (byte)'%' ? ((char)b).ToString() : $"%{b:X2}");
        }

        return builder.ToString();
    }
}
