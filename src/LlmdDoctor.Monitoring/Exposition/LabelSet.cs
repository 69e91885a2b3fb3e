using System.Security.Cryptography;
using System.Text;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Monitoring.Exposition;

/// <summary>
/// Label names and values escaped and encoded once into exposition text (<c>name="value",…</c> in UTF-8), so every
/// series that carries them copies bytes instead of escaping again: a probe's label set is written for its success,
/// its HTTP status and each of its six phase durations.
/// </summary>
/// <remarks>
/// The names are checked against a family when a sample is added (<see cref="MetricFamily.Add(double, LabelSet)"/>),
/// not here. A <see langword="null"/> value is written as an empty one, as the StringBuilder writer before it did.
/// </remarks>
public sealed class LabelSet
{
    /// <summary>Where a set is written before it is copied to its own array, one per thread.</summary>
    [ThreadStatic]
    private static byte[]? t_scratch;

    private readonly byte[] _text;

    /// <summary>The longest label value written; a longer one is cut and keeps a hash of the whole, so series stay distinct.</summary>
    public const int MaxValueLength = 256;

    /// <summary>
    /// Escapes <paramref name="values"/>, one per name, in the order of <paramref name="names"/>. Values come from the
    /// cluster: known credentials are scrubbed and each is bounded to <see cref="MaxValueLength"/> characters.
    /// </summary>
    public LabelSet(IReadOnlyList<string> names, params ReadOnlySpan<string> values)
    {
        if (values.Length != names.Count)
        {
            throw new ArgumentException($"{names.Count} label names take {names.Count} values, got {values.Length}", nameof(values));
        }

        var prepared = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            prepared[i] = Bounded(KnownCredentials.Scrub(values[i] ?? ""));
        }

        values = prepared;

        Names = names;
        // Each UTF-16 char is at most 3 UTF-8 bytes, an escaped one is 2: 3 per char bounds both.
        var bound = 0;
        for (var i = 0; i < values.Length; i++)
        {
            bound += (names[i].Length + (values[i]?.Length ?? 0)) * 3 + 4;
        }

        var scratch = t_scratch is { } s && s.Length >= bound ? s : t_scratch = new byte[Math.Max(bound, 1024)];
        var n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                scratch[n++] = (byte)',';
            }

            n += Write(names[i], scratch.AsSpan(n), escape: false);
            scratch[n++] = (byte)'=';
            scratch[n++] = (byte)'"';
            n += Write(values[i], scratch.AsSpan(n), escape: true);
            scratch[n++] = (byte)'"';
        }

        _text = scratch.AsSpan(0, n).ToArray();
    }

    private static string Bounded(string value)
    {
        if (value.Length <= MaxValueLength)
        {
            return value;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];
        var keep = MaxValueLength - hash.Length - 1;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return $"{value[..keep]}…{hash}";
    }

    /// <summary>The set without labels (a family without label names).</summary>
    public static LabelSet Empty { get; } = new([]);

    public IReadOnlyList<string> Names { get; }

    /// <summary>The escaped <c>name="value"</c> pairs joined by commas, without braces.</summary>
    internal ReadOnlySpan<byte> Text => _text;

    internal int Length => _text.Length;

    /// <summary>
    /// Writes <paramref name="text"/> as UTF-8; with <paramref name="escape"/>, backslash, double quote and newline are
    /// escaped (text format 0.0.4). A <see langword="null"/> text is written as an empty one.
    /// </summary>
    private static int Write(string? text, Span<byte> destination, bool escape)
    {
        // Nearly every name and value is ASCII with nothing to escape: narrowed char by char, no transcoder call.
        var chars = text.AsSpan();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c >= 0x80 || escape && c is '\\' or '"' or '\n')
            {
                // Everything before is ASCII, so the rest starts on a whole character.
                ReadOnlySpan<char> rest = escape
                    ? chars[i..].ToString().Replace("\\", "\\\\", StringComparison.Ordinal)
                        .Replace("\"", "\\\"", StringComparison.Ordinal)
                        .Replace("\n", "\\n", StringComparison.Ordinal)
                    : chars[i..];
                return i + Encoding.UTF8.GetBytes(rest, destination[i..]);
            }

            destination[i] = (byte)c;
        }

        return chars.Length;
    }
}
