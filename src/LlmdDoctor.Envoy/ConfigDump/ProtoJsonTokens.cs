using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Which spelling of a proto field a property name is.</summary>
internal enum FieldSpelling
{
    None,

    /// <summary>The snake_case proto name, as Envoy's admin output writes it.</summary>
    Snake,

    /// <summary>The camelCase JSON name.</summary>
    Camel,
}

/// <summary>
/// One proto field of an object read token by token, resolved as <see cref="ProtoJson.Prop(JsonElement, string)"/>
/// resolves it on a document: the last occurrence of the snake_case name, else the last of the camelCase name,
/// else <c>default</c>.
/// </summary>
internal struct ProtoField<T>
{
    private T? _snake;
    private T? _camel;
    private bool _hasSnake;

    public void Set(FieldSpelling spelling, T? value)
    {
        if (spelling == FieldSpelling.Snake)
        {
            _snake = value;
            _hasSnake = true;
        }
        else
        {
            _camel = value;
        }
    }

    public readonly T? Value => _hasSnake ? _snake : _camel;
}

/// <summary>
/// Tolerant reads of proto JSON values from a <see cref="JsonTokenStream"/>, with the rules
/// <see cref="ProtoJson"/> applies to a <see cref="JsonElement"/>: a wrong kind reads as absent, never throws.
/// Each read starts on a property name and consumes its whole value.
/// </summary>
internal static class ProtoJsonTokens
{
    /// <summary>Whether the current property name is <paramref name="snake"/> or <paramref name="camel"/> (both UTF-8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FieldSpelling Spelling(ref JsonTokenStream tokens, ReadOnlySpan<byte> snake, ReadOnlySpan<byte> camel) =>
        tokens.NameIs(snake) ? FieldSpelling.Snake
        : tokens.NameIs(camel) ? FieldSpelling.Camel
        : FieldSpelling.None;

    /// <summary>
    /// As <see cref="ProtoJson.Bool"/>: true/false, a BoolValue wrapper <c>{"value": …}</c> (false unless its value
    /// is true), a string <see cref="bool.TryParse(string, out bool)"/> accepts; anything else is null.
    /// </summary>
    public static bool? ReadBool(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        switch (tokens.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return bool.TryParse(tokens.GetString(), out var parsed) ? parsed : null;
            case JsonTokenType.StartObject:
                var value = false;
                var depth = tokens.Depth;
                while (tokens.NextProperty(depth))
                {
                    if (tokens.NameIs("value"u8))
                    {
                        tokens.Expect();
                        value = tokens.TokenType == JsonTokenType.True;
                    }

                    tokens.Skip();
                }

                return value;
            default:
                tokens.Skip();
                return null;
        }
    }

    /// <summary>
    /// With the current token an Any's <c>@type</c> string (or number): whether its message name
    /// (<see cref="ProtoJson.TypeName(string?)"/>) is <paramref name="messageName"/>, an ASCII name; the usual
    /// unescaped type URL is compared without building strings.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TypeNameIs(ref JsonTokenStream tokens, string messageName)
    {
        if (tokens.IsEscaped)
        {
            return ProtoJson.TypeName(tokens.GetString()) == messageName;
        }

        // '/' and '.' are ASCII, so they never occur inside a multi-byte UTF-8 sequence.
        var url = tokens.RawValue;
        var name = url[(url.LastIndexOf((byte)'/') + 1)..];
        return System.Text.Ascii.Equals(name[(name.LastIndexOf((byte)'.') + 1)..], messageName);
    }
}
