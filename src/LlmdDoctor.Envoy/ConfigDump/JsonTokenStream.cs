using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Why a dump could not be read: carries the absolute byte offset.</summary>
internal sealed class DumpReadException(string message, long offset, bool truncated) : Exception(message)
{
    public long Offset { get; } = offset;
    public bool Truncated { get; } = truncated;
}

/// <summary>
/// Forward-only JSON tokens over a stream, holding only a window of it: one <see cref="Utf8JsonReader"/> reads
/// every token of a buffer fill and is resumed (from its <see cref="JsonReaderState"/>) over the refilled buffer
/// only when it runs out of bytes. Small subtrees (one listener, the bootstrap) can be materialized as a
/// <see cref="JsonDocument"/>; everything else is walked or skipped token by token, so a dump of any size needs
/// memory for its largest materialized element only.
/// </summary>
/// <remarks>
/// A ref struct because the reader is one: pass it by <c>ref</c> (a copy would read on without the original).
/// Object and array walks are loops: <see cref="EnterObject"/> then <see cref="NextProperty"/>,
/// <see cref="EnterArrayValue"/> then <see cref="NextElement"/>.
/// <para>
/// The per-token members here and the route readers are <see cref="MethodImplOptions.AggressiveOptimization"/>:
/// their ReadyToRun code cannot inline <see cref="Utf8JsonReader"/>'s members (another assembly's), and a dump is
/// read in a fraction of a second, mostly before tiered compilation would replace that code; compiled fully
/// optimized at first call, a 50 MB dump costs about 15% less CPU.
/// </para>
/// </remarks>
internal ref struct JsonTokenStream
{
    /// <summary>The buffer a stream starts with; it grows (to <see cref="ConfigDumpOptions.MaxElementBytes"/>) only for a materialized element that does not fit.</summary>
    public const int DefaultInitialBuffer = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly Stream _stream;
    private readonly long _maxBytes;
    private readonly int _maxElementBytes;
    private readonly CancellationToken _cancellation;
    private byte[] _buffer;
    private Utf8JsonReader _reader;

    /// <summary>Where in <see cref="_buffer"/> the reader's span starts.</summary>
    private int _origin;

    private int _end;
    private int _pin = -1;
    private long _dropped;
    private long _read;
    private bool _eof;
    private bool _sawToken;

    public JsonTokenStream(Stream stream, long maxBytes, int maxElementBytes, CancellationToken cancellation, int initialBuffer = DefaultInitialBuffer)
    {
        _stream = stream;
        _maxBytes = maxBytes;
        _maxElementBytes = maxElementBytes;
        _cancellation = cancellation;
        _buffer = new byte[Math.Min(initialBuffer, maxElementBytes)];
        _reader = new Utf8JsonReader([], false, new JsonReaderState(ReaderOptions));
    }

    /// <summary>The current token's type.</summary>
    public JsonTokenType TokenType => _reader.TokenType;

    /// <summary>Depth of the current token as <see cref="Utf8JsonReader.CurrentDepth"/> reports it.</summary>
    public int Depth => _reader.CurrentDepth;

    /// <summary>Bytes read from the stream so far.</summary>
    public readonly long BytesRead => _read;

    /// <summary>Absolute offset of the current token.</summary>
    public long Offset => _dropped + _origin + _reader.TokenStartIndex;

    /// <summary>Advances one token; false at the end of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Read()
    {
        while (!ReadBuffered())
        {
            if (_eof)
            {
                return false;
            }

            Fill();
        }

        return true;
    }

    /// <summary>
    /// The current string or property name (or number text). Never throws for bad text: invalid UTF-8 and lone
    /// escaped surrogates read as U+FFFD.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string GetString()
    {
        if (_reader.TokenType == JsonTokenType.Number || !_reader.ValueIsEscaped)
        {
            return Encoding.UTF8.GetString(_reader.ValueSpan);
        }

        try
        {
            return _reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return JsonStringText.Unescape(_reader.ValueSpan);
        }
    }

    /// <summary>The raw UTF-8 of the current string, property name or number; escapes are not undone (see <see cref="IsEscaped"/>).</summary>
    public ReadOnlySpan<byte> RawValue => _reader.ValueSpan;

    /// <summary>Whether the current string or property name holds escapes.</summary>
    public bool IsEscaped => _reader.ValueIsEscaped;

    /// <summary>Whether the current string or property name is <paramref name="utf8"/> (escapes undone; bad escapes never match).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool NameIs(ReadOnlySpan<byte> utf8)
    {
        if (!_reader.ValueIsEscaped)
        {
            return _reader.ValueSpan.SequenceEqual(utf8);
        }

        try
        {
            return _reader.ValueTextEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads the next token, which must exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Expect()
    {
        if (!Read())
        {
            throw new DumpReadException($"truncated at byte {_dropped + _end}: the JSON ends early", _dropped + _end, true);
        }
    }

    /// <summary>With the current token a property name: skips its value. With it a container start: skips to its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Skip()
    {
        if (TrySkipBuffered())
        {
            return;
        }

        if (TokenType == JsonTokenType.PropertyName)
        {
            Expect();
        }

        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = Depth;
        do
        {
            Expect();
        }
        while (!(TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && Depth == depth));
    }

    /// <summary>
    /// With the current token the start of a value: true when it is an object (walk it with
    /// <see cref="NextProperty"/> and its <paramref name="depth"/>); anything else is skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool EnterObject(out int depth)
    {
        depth = Depth;
        if (TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        Skip();
        return false;
    }

    /// <summary>
    /// Inside the object entered at <paramref name="depth"/>, after a property's value has been consumed: moves
    /// to the next property name; false at the object's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool NextProperty(int depth)
    {
        Expect();
        if (TokenType == JsonTokenType.EndObject && Depth == depth)
        {
            return false;
        }

        _cancellation.ThrowIfCancellationRequested();
        return true;
    }

    /// <summary>
    /// With the current token a property name: reads its value; true when it is an array (walk it with
    /// <see cref="NextElement"/> and its <paramref name="depth"/>); anything else is skipped.
    /// </summary>
    public bool EnterArrayValue(out int depth)
    {
        Expect();
        depth = Depth;
        if (TokenType == JsonTokenType.StartArray)
        {
            return true;
        }

        Skip();
        return false;
    }

    /// <summary>
    /// Inside the array entered at <paramref name="depth"/>, after an element has been consumed: moves to the
    /// next element's first token; false at the array's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool NextElement(int depth)
    {
        Expect();
        return !(TokenType == JsonTokenType.EndArray && Depth == depth);
    }

    /// <summary>With the current token a property name: reads its value if it is a string (or number), else skips it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? ReadStringValue()
    {
        Expect();
        return ScalarText();
    }

    /// <summary>The current string, or number as text; any other value is skipped and reads as null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? ScalarText()
    {
        if (TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            return GetString();
        }

        Skip();
        return null;
    }

    /// <summary>
    /// Keeps the value starting at the current token in the buffer until <see cref="ReleaseElement"/>, as
    /// <see cref="ReadElement{T}"/> does: an element read in place is held whole, so
    /// <see cref="ConfigDumpOptions.MaxElementBytes"/> caps it as it caps a materialized one.
    /// </summary>
    public void HoldElement() => _pin = _origin + (int)_reader.TokenStartIndex;

    /// <summary>Ends <see cref="HoldElement"/>.</summary>
    public void ReleaseElement() => _pin = -1;

    /// <summary>
    /// Materializes the value starting at the current token (or, on a property name, its value) and hands it to
    /// <paramref name="read"/>; the element is only valid during the call.
    /// </summary>
    public T ReadElement<T>(Func<JsonElement, T> read)
    {
        if (TokenType == JsonTokenType.PropertyName)
        {
            Expect();
        }

        HoldElement();
        try
        {
            Skip();
            var end = _origin + (int)_reader.BytesConsumed;
            using var document = JsonDocument.Parse(_buffer.AsMemory(_pin, end - _pin), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            return read(document.RootElement);
        }
        finally
        {
            ReleaseElement();
        }
    }

    /// <summary>One token from the bytes already in the buffer; false when the reader needs more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadBuffered()
    {
        try
        {
            if (!_reader.Read())
            {
                return false;
            }
        }
        catch (JsonException ex) when (_eof && !_sawToken && ex.Message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return false;
        }
        catch (JsonException ex)
        {
            throw Translate(ex);
        }

        _sawToken = true;
        return true;
    }

    /// <summary>Skips the current property value or container when all of it is in the buffer; false (nothing consumed) when not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TrySkipBuffered()
    {
        try
        {
            return _reader.TrySkip();
        }
        catch (JsonException ex)
        {
            throw Translate(ex);
        }
    }

    private DumpReadException Translate(JsonException ex)
    {
        var truncated = _eof && (ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("depth to be zero", StringComparison.OrdinalIgnoreCase));
        var at = _dropped + _origin + _reader.BytesConsumed;
        return truncated
            ? new DumpReadException($"truncated at byte {_dropped + _end}: the JSON ends inside an unfinished value", _dropped + _end, true)
            : new DumpReadException($"invalid JSON near byte {at}: {ex.Message}", at, false);
    }

    /// <summary>Drops the consumed bytes (keeping a pinned element), reads more and resumes the reader over them.</summary>
    private void Fill()
    {
        _cancellation.ThrowIfCancellationRequested();
        var start = _origin + (int)_reader.BytesConsumed;
        var state = _reader.CurrentState;
        var keep = _pin >= 0 ? Math.Min(_pin, start) : start;
        if (keep > 0)
        {
            Buffer.BlockCopy(_buffer, keep, _buffer, 0, _end - keep);
            _end -= keep;
            start -= keep;
            if (_pin >= 0)
            {
                _pin -= keep;
            }

            _dropped += keep;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxElementBytes)
            {
                throw new DumpReadException(
                    $"one element near byte {_dropped + Math.Max(_pin, 0)} is larger than the limit of {_maxElementBytes} bytes", _dropped, false);
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxElementBytes));
        }

        var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }
        else
        {
            _end += n;
            _read += n;
            if (_read > _maxBytes)
            {
                throw new DumpReadException($"larger than the limit of {_maxBytes} bytes", _read, false);
            }
        }

        _origin = start;
        _reader = new Utf8JsonReader(_buffer.AsSpan(_origin, _end - _origin), _eof, state);
    }
}
