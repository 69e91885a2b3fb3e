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
/// Forward-only JSON tokens over a stream, holding only a window of it: a <see cref="Utf8JsonReader"/> resumed
/// over a refilled buffer. Small subtrees (one route, one listener) can be materialized as a
/// <see cref="JsonDocument"/>; everything else is walked or skipped token by token, so a dump of any size
/// needs memory for its largest materialized element only.
/// </summary>
internal sealed class JsonTokenStream
{
    private readonly Stream _stream;
    private readonly long _maxBytes;
    private readonly int _maxElementBytes;
    private readonly CancellationToken _cancellation;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _pin = -1;
    private long _dropped;
    private long _read;
    private bool _eof;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
    private int _tokenIndex;
    private int _valueLength;
    private bool _valueEscaped;
    private bool _sawToken;

    public JsonTokenStream(Stream stream, long maxBytes, int maxElementBytes, CancellationToken cancellation, int initialBuffer = 64 * 1024)
    {
        _stream = stream;
        _maxBytes = maxBytes;
        _maxElementBytes = maxElementBytes;
        _cancellation = cancellation;
        _buffer = new byte[Math.Min(initialBuffer, maxElementBytes)];
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>Depth of the current token as <see cref="Utf8JsonReader.CurrentDepth"/> reports it.</summary>
    public int Depth { get; private set; }

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead => _read;

    /// <summary>Absolute offset of the current token.</summary>
    public long Offset => _dropped + _tokenIndex;

    /// <summary>Advances one token; false at the end of the input.</summary>
    public bool Read()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            bool ok;
            try
            {
                ok = reader.Read();
            }
            catch (JsonException ex) when (_eof && !_sawToken && ex.Message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
            {
                return false;
            }
            catch (JsonException ex)
            {
                var truncated = _eof && (ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase)
                    || ex.Message.Contains("depth to be zero", StringComparison.OrdinalIgnoreCase));
                var at = _dropped + _start + reader.BytesConsumed;
                throw truncated
                    ? new DumpReadException($"truncated at byte {_dropped + _end}: the JSON ends inside an unfinished value", _dropped + _end, true)
                    : new DumpReadException($"invalid JSON near byte {at}: {ex.Message}", at, false);
            }

            if (ok)
            {
                _sawToken = true;
                TokenType = reader.TokenType;
                Depth = reader.CurrentDepth;
                _tokenIndex = _start + (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    _valueLength = reader.ValueSpan.Length;
                    _valueEscaped = reader.ValueIsEscaped;
                }
                else if (reader.TokenType is JsonTokenType.Number)
                {
                    _valueLength = reader.ValueSpan.Length;
                    _valueEscaped = false;
                }

                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }

            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (_eof)
            {
                return false;
            }

            Fill();
        }
    }

    /// <summary>The current string or property name (or number text).</summary>
    public string GetString()
    {
        if (TokenType == JsonTokenType.Number)
        {
            return Encoding.UTF8.GetString(_buffer, _tokenIndex, _valueLength);
        }

        if (!_valueEscaped)
        {
            return Encoding.UTF8.GetString(_buffer, _tokenIndex + 1, _valueLength);
        }

        var quoted = new Utf8JsonReader(_buffer.AsSpan(_tokenIndex, _valueLength + 2));
        quoted.Read();
        return quoted.GetString() ?? "";
    }

    /// <summary>Reads the next token, which must exist.</summary>
    public void Expect()
    {
        if (!Read())
        {
            throw new DumpReadException($"truncated at byte {_dropped + _end}: the JSON ends early", _dropped + _end, true);
        }
    }

    /// <summary>With the current token a property name: skips its value. With it a container start: skips to its end.</summary>
    public void Skip()
    {
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

    /// <summary>With the current token a StartObject: calls <paramref name="onProperty"/> for each property name; it must consume the value.</summary>
    public void ForEachProperty(Action<string> onProperty)
    {
        if (TokenType != JsonTokenType.StartObject)
        {
            Skip();
            return;
        }

        var depth = Depth;
        while (true)
        {
            Expect();
            if (TokenType == JsonTokenType.EndObject && Depth == depth)
            {
                return;
            }

            _cancellation.ThrowIfCancellationRequested();
            onProperty(GetString());
        }
    }

    /// <summary>With the current token a property name whose value is an array: calls <paramref name="onElement"/> at each element's first token; it must consume the element.</summary>
    public void ForEachElement(Action onElement)
    {
        Expect();
        if (TokenType != JsonTokenType.StartArray)
        {
            Skip();
            return;
        }

        var depth = Depth;
        while (true)
        {
            Expect();
            if (TokenType == JsonTokenType.EndArray && Depth == depth)
            {
                return;
            }

            onElement();
        }
    }

    /// <summary>With the current token a property name: reads its value if it is a string, else skips it.</summary>
    public string? ReadStringValue()
    {
        Expect();
        if (TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            return GetString();
        }

        Skip();
        return null;
    }

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

        _pin = _tokenIndex;
        try
        {
            Skip();
            using var document = JsonDocument.Parse(_buffer.AsMemory(_pin, _start - _pin), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            return read(document.RootElement);
        }
        finally
        {
            _pin = -1;
        }
    }

    private void Fill()
    {
        _cancellation.ThrowIfCancellationRequested();
        var keep = _pin >= 0 ? Math.Min(_pin, _start) : _start;
        if (keep > 0)
        {
            Buffer.BlockCopy(_buffer, keep, _buffer, 0, _end - keep);
            _end -= keep;
            _start -= keep;
            _tokenIndex -= keep;
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
            return;
        }

        _end += n;
        _read += n;
        if (_read > _maxBytes)
        {
            throw new DumpReadException($"larger than the limit of {_maxBytes} bytes", _read, false);
        }
    }
}
