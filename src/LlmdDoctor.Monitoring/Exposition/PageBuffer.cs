using System.Buffers;

namespace LlmdDoctor.Monitoring.Exposition;

/// <summary>
/// The bytes of a page as it is written: chunks below the large-object threshold, each filled before the next is
/// started, never grown or copied. A page of thousands of series is megabytes; as one array it would land on the
/// large object heap on every render and, with it, trigger full collections.
/// </summary>
internal sealed class PageBuffer
{
    /// <summary>Below the 85,000-byte large-object threshold, with room for the array's header.</summary>
    internal const int ChunkBytes = 80 * 1024;

    private Chunk? _first;
    private Chunk? _last;
    private byte[] _current = [];
    private int _written;

    /// <summary>At least <paramref name="bytes"/> bytes to write into; <see cref="Advance"/> says how many were written.</summary>
    public Span<byte> Reserve(int bytes)
    {
        if (_current.Length - _written < bytes)
        {
            Seal();
            _current = GC.AllocateUninitializedArray<byte>(Math.Max(ChunkBytes, bytes));
            _written = 0;
        }

        return _current.AsSpan(_written);
    }

    public void Advance(int bytes) => _written += bytes;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _written += bytes.Length;
    }

    /// <summary>Everything written, as one sequence over the chunks; nothing may be written after.</summary>
    public ReadOnlySequence<byte> Finish()
    {
        Seal();
        _current = [];
        return _first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_first, 0, _last!, _last!.Memory.Length);
    }

    private void Seal()
    {
        if (_written == 0)
        {
            return;
        }

        var chunk = new Chunk(_current.AsMemory(0, _written), _last is null ? 0 : _last.RunningIndex + _last.Memory.Length);
        if (_last is null)
        {
            _first = chunk;
        }
        else
        {
            _last.Append(chunk);
        }

        _last = chunk;
        _written = 0;
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void Append(Chunk next) => Next = next;
    }
}
