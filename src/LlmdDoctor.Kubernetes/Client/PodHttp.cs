using System.Globalization;
using System.Text;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// An incremental HTTP/1.1 response reader for what comes back through a port-forward (Content-Length, chunked, or
/// until close). Bytes are fed as they arrive; the body is written once into a <see cref="SpoolStream"/>, so a
/// 100 MB config_dump costs a temp file, not several copies in memory.
/// </summary>
internal sealed class PodHttp(string what) : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly MemoryStream _head = new();
    private readonly SpoolStream _body = new();
    private readonly byte[] _chunkLine = new byte[64];
    private int _status;
    private bool _chunked;
    private long _remaining = -1;
    private int _chunkLineLength;
    private ChunkState _state = ChunkState.Size;
    private bool _headerDone;
    private bool _done;
    private bool _handedOver;

    private enum ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer,
    }

    public bool Done => _done;

    /// <summary>Feeds bytes; returns true once the answer is complete.</summary>
    public bool Feed(ReadOnlySpan<byte> data)
    {
        if (!_headerDone)
        {
            _head.Write(data);
            var buffered = _head.GetBuffer().AsSpan(0, (int)_head.Length);
            var end = buffered.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return _head.Length > MaxHeaderBytes ? throw Malformed("the header is larger than 64 KiB") : false;
            }

            ParseHeader(buffered[..end]);
            _headerDone = true;
            data = buffered[(end + 4)..].ToArray();
            _head.SetLength(0);
        }

        if (_chunked)
        {
            FeedChunked(data);
        }
        else if (_remaining >= 0)
        {
            var take = (int)Math.Min(_remaining, data.Length);
            _body.Write(data[..take]);
            _remaining -= take;
            _done = _remaining == 0;
        }
        else
        {
            _body.Write(data);
        }

        return _done;
    }

    /// <summary>The answer when the stream ended (a body without length runs to the end; a cut one is an error).</summary>
    public PodHttpResponse Finish(bool streamEnded)
    {
        if (!_headerDone)
        {
            throw Malformed(_head.Length == 0 ? "the stream closed before an HTTP answer arrived" : "no complete header");
        }

        if (!_done && streamEnded && (_chunked || _remaining > 0))
        {
            throw Malformed(_chunked ? "a chunk is cut off" : $"the body ended {_remaining} bytes short of its Content-Length");
        }

        _body.Position = 0;
        _handedOver = true;
        return new PodHttpResponse(_status, _body);
    }

    public long BodyLength => _body.Length;

    private void ParseHeader(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _status))
        {
            throw Malformed("not an HTTP/1.x status line");
        }

        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        _chunked = headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (!_chunked && headers.TryGetValue("Content-Length", out var lengthText))
        {
            _remaining = long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : throw Malformed("bad Content-Length");
            _done = _remaining == 0;
        }
    }

    private void FeedChunked(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_done)
        {
            switch (_state)
            {
                case ChunkState.Size or ChunkState.Trailer or ChunkState.DataEnd:
                    var newline = data.IndexOf((byte)'\n');
                    var part = newline < 0 ? data : data[..newline];
                    if (_chunkLineLength + part.Length > _chunkLine.Length)
                    {
                        throw Malformed("a chunk header is too long");
                    }

                    part.CopyTo(_chunkLine.AsSpan(_chunkLineLength));
                    _chunkLineLength += part.Length;
                    if (newline < 0)
                    {
                        return;
                    }

                    data = data[(newline + 1)..];
                    var line = Encoding.ASCII.GetString(_chunkLine, 0, _chunkLineLength).TrimEnd('\r');
                    _chunkLineLength = 0;
                    if (_state == ChunkState.DataEnd)
                    {
                        _state = line.Length == 0 ? ChunkState.Size : throw Malformed("a chunk does not end with CRLF");
                    }
                    else if (_state == ChunkState.Trailer)
                    {
                        _done = line.Length == 0;
                    }
                    else
                    {
                        var sizeText = line.Split(';')[0].Trim();
                        if (!long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                        {
                            throw Malformed($"bad chunk size \"{sizeText}\"");
                        }

                        (_remaining, _state) = size == 0 ? (0L, ChunkState.Trailer) : (size, ChunkState.Data);
                    }

                    break;
                case ChunkState.Data:
                    var take = (int)Math.Min(_remaining, data.Length);
                    _body.Write(data[..take]);
                    data = data[take..];
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = ChunkState.DataEnd;
                    }

                    break;
            }
        }
    }

    private KubeUnavailableException Malformed(string reason) => new($"{what}: malformed HTTP answer: {reason}", null);

    public void Dispose()
    {
        _head.Dispose();
        if (!_handedOver)
        {
            _body.Dispose();
        }
    }
}

/// <summary>A write-then-read stream kept in memory up to a threshold, then moved to a temp file deleted on close.</summary>
internal sealed class SpoolStream : Stream
{
    private const int MemoryLimit = 4 * 1024 * 1024;
    private Stream _inner = new MemoryStream();

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_inner is MemoryStream memory && memory.Length + buffer.Length > MemoryLimit)
        {
            // /tmp is an emptyDir in the Deployment (the root filesystem is read-only).
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            memory.Position = 0;
            memory.CopyTo(file);
            memory.Dispose();
            _inner = file;
        }

        _inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => _inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);
    public override void SetLength(long value) => _inner.SetLength(value);
    public override void Flush() => _inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
