using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>
/// A scripted HTTP/2 (h2c) peer for failures grpcio will not produce on demand: RST_STREAM before or after
/// the response headers, a non-gRPC content type, a bare 404, or silence (accepts, never answers).
/// Frames per RFC 9113; header blocks use HPACK static-table entries and literals (RFC 7541).
/// </summary>
public sealed class RawHttp2Peer : IAsyncDisposable
{
    public enum Behaviour { ResetBeforeHeaders, ResetAfterHeaders, HtmlResponse, Status404, Silent, NoGrpcStatus }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Behaviour _behaviour;
    private readonly uint _errorCode;
    private readonly Task _loop;
    private readonly List<TcpClient> _clients = [];

    public RawHttp2Peer(Behaviour behaviour, uint errorCode = 0x8)
    {
        _behaviour = behaviour;
        _errorCode = errorCode;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients)
                {
                    _clients.Add(client);
                }
                _ = ServeAsync(client.GetStream());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        try
        {
            if (_behaviour == Behaviour.Silent)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            var preface = new byte[24];
            await stream.ReadExactlyAsync(preface, _stop.Token);
            await WriteFrameAsync(stream, type: 0x4, flags: 0, streamId: 0, []);
            var header = new byte[9];
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var type = header[3];
                var flags = header[4];
                var streamId = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7fffffff;
                var payload = new byte[length];
                await stream.ReadExactlyAsync(payload, _stop.Token);
                if (type == 0x4 && (flags & 0x1) == 0)
                {
                    await WriteFrameAsync(stream, 0x4, 0x1, 0, []);
                }
                else if (type == 0x1)
                {
                    await AnswerAsync(stream, streamId);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(NetworkStream stream, uint streamId)
    {
        const byte EndStream = 0x1, EndHeaders = 0x4;
        switch (_behaviour)
        {
            case Behaviour.ResetBeforeHeaders:
                await ResetAsync(stream, streamId);
                break;
            case Behaviour.ResetAfterHeaders:
                await WriteFrameAsync(stream, 0x1, EndHeaders, streamId, HeaderBlock(0x88, "application/grpc"));
                await Task.Delay(50);
                await ResetAsync(stream, streamId);
                break;
            case Behaviour.HtmlResponse:
                await WriteFrameAsync(stream, 0x1, EndHeaders, streamId, HeaderBlock(0x88, "text/html"));
                await WriteFrameAsync(stream, 0x0, EndStream, streamId, Encoding.ASCII.GetBytes("<html>hello</html>"));
                break;
            case Behaviour.NoGrpcStatus:
                // A gRPC-looking answer whose stream ends without trailers: no grpc-status anywhere.
                await WriteFrameAsync(stream, 0x1, EndHeaders, streamId, HeaderBlock(0x88, "application/grpc"));
                await WriteFrameAsync(stream, 0x0, EndStream, streamId, []);
                break;
            case Behaviour.Status404:
                await WriteFrameAsync(stream, 0x1, EndHeaders | EndStream, streamId, HeaderBlock(0x8d, "text/plain"));
                break;
            default:
                break;
        }
    }

    private Task ResetAsync(NetworkStream stream, uint streamId)
    {
        var code = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(code, _errorCode);
        return WriteFrameAsync(stream, 0x3, 0, streamId, code);
    }

    // Indexed :status (0x88 = 200, 0x8d = 404), then content-type as a literal without indexing (name index 31).
    private static byte[] HeaderBlock(byte status, string contentType)
    {
        var value = Encoding.ASCII.GetBytes(contentType);
        return [status, 0x0f, 0x10, (byte)value.Length, .. value];
    }

    private static async Task WriteFrameAsync(NetworkStream stream, byte type, byte flags, uint streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await stream.WriteAsync(frame);
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }
        await _loop;
        _stop.Dispose();
    }
}
