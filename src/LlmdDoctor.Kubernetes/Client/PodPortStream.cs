using System.Net.WebSockets;
using System.Text;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// A TCP connection to one port inside a pod, carried by <c>pods/portforward</c> (v4.channel.k8s.io): what is written
/// goes out on data channel 0, what the pod's port sends comes back on it, and text on error channel 1 (the kubelet's
/// "connection refused" …) surfaces as an <see cref="IOException"/> once the data is drained. Full duplex: one read and
/// one write may run at the same time (an HTTP/2 connection does both). The WebSocket channel protocol has no
/// half-close, so <see cref="Dispose(bool)"/> ends both directions.
/// </summary>
internal sealed class PodPortStream : Stream
{
    /// <summary>Largest frame accepted from the server (the kubelet sends at most 32 KiB per frame).</summary>
    private const int MaxFrameBytes = 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly string _what;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly MemoryStream _frame = new();
    private readonly bool[] _seenPortHeader = new bool[2];
    private readonly StringBuilder _error = new();
    private readonly byte[] _receive = new byte[32 * 1024];
    private ReadOnlyMemory<byte> _pending;
    private bool _ended;
    private bool _disposed;

    public PodPortStream(ClientWebSocket socket, string what)
    {
        _socket = socket;
        _what = what;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (!_pending.IsEmpty)
            {
                var n = Math.Min(buffer.Length, _pending.Length);
                _pending[..n].CopyTo(buffer);
                _pending = _pending[n..];
                return n;
            }

            if (_error.Length > 0)
            {
                throw new IOException($"{_what}: {Clean(_error.ToString())}");
            }

            if (_ended || buffer.IsEmpty)
            {
                return 0;
            }

            await ReceiveFrameAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return;
        }

        var frame = new byte[buffer.Length + 1];
        buffer.CopyTo(frame.AsMemory(1));
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new IOException($"{_what}: the stream broke ({ex.Message})", ex);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_socket.State == WebSocketState.Open && _sending.Wait(0))
            {
                // Best effort: tell the server this side is done; the socket is torn down either way.
                _ = _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ContinueWith(
                    static (_, state) => ((ClientWebSocket)state!).Dispose(), _socket, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            else
            {
                _socket.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads one whole WebSocket message: data becomes <see cref="_pending"/>, error text accumulates, close ends the stream.</summary>
    private async Task ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        _frame.SetLength(0);
        WebSocketReceiveResult result;
        try
        {
            do
            {
                result = await _socket.ReceiveAsync(_receive, cancellationToken).ConfigureAwait(false);
                _frame.Write(_receive, 0, result.Count);
                if (_frame.Length > MaxFrameBytes)
                {
                    throw new IOException($"{_what}: a frame larger than {MaxFrameBytes} bytes");
                }
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        }
        catch (WebSocketException ex)
        {
            throw new IOException($"{_what}: the stream broke ({ex.Message})", ex);
        }

        if (result.MessageType == WebSocketMessageType.Close)
        {
            _ended = true;
            return;
        }

        var frame = _frame.GetBuffer().AsMemory(0, (int)_frame.Length);
        if (frame.Length == 0 || frame.Span[0] > 1)
        {
            return;
        }

        var channel = frame.Span[0];
        var payload = frame[1..];

        // The first frame on each channel starts with the port number (uint16, little-endian).
        if (!_seenPortHeader[channel])
        {
            _seenPortHeader[channel] = true;
            payload = payload.Length >= 2 ? payload[2..] : Memory<byte>.Empty;
        }

        if (channel == 1)
        {
            _error.Append(Encoding.UTF8.GetString(payload.Span));
            if (_error.Length > 4096)
            {
                _error.Length = 4096;
            }

            return;
        }

        _pending = payload;
    }

    private static string Clean(string text) => new string([.. text.Trim().Select(c => char.IsControl(c) ? '?' : c)]);
}
