using System.Net;
using System.Threading.Channels;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// The request body of a streaming call: writes each queued frame and flushes it, so the peer sees
/// every message as it is written. Completing the channel ends the body, which half-closes the
/// HTTP/2 stream (END_STREAM on the last DATA frame).
/// </summary>
internal sealed class GrpcRequestContent(ChannelReader<byte[]> frames) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await foreach (var frame in frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
