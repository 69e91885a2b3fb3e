using System.Globalization;
using System.Text;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Lenient decoding of a JSON string's escaped UTF-8, for the text <see cref="System.Text.Json.Utf8JsonReader.GetString"/> refuses.</summary>
internal static class JsonStringText
{
    /// <summary>
    /// <paramref name="escaped"/> (the bytes between the quotes, escapes already validated by the reader) as text:
    /// invalid UTF-8 and surrogates that do not pair up become U+FFFD.
    /// </summary>
    public static string Unescape(ReadOnlySpan<byte> escaped)
    {
        var text = new StringBuilder(escaped.Length);
        while (true)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            text.Append(Encoding.UTF8.GetString(backslash < 0 ? escaped : escaped[..backslash]));
            if (backslash < 0 || backslash + 1 >= escaped.Length)
            {
                break;
            }

            var kind = escaped[backslash + 1];
            if (kind == (byte)'u' && backslash + 6 <= escaped.Length
                && ushort.TryParse(escaped.Slice(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                text.Append((char)unit);
                escaped = escaped[(backslash + 6)..];
                continue;
            }

            text.Append(kind switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => (char)kind,
            });
            escaped = escaped[(backslash + 2)..];
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = '\uFFFD';
            }
        }

        return text.ToString();
    }
}
