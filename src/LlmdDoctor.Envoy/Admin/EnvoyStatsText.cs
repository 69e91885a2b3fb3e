using System.Globalization;

namespace LlmdDoctor.Envoy.Admin;

/// <summary>
/// Envoy admin <c>/stats</c> in text form, <c>name: value</c> per line. Counters and gauges are kept;
/// histogram lines (<c>P0(…) P25(…)</c>) and garbage lines are skipped and counted.
/// </summary>
public sealed class EnvoyStatsText
{
    private readonly Dictionary<string, long> _values;

    private EnvoyStatsText(Dictionary<string, long> values, int skipped)
    {
        _values = values;
        SkippedLines = skipped;
    }

    /// <summary>Lines that were neither a counter nor a gauge.</summary>
    public int SkippedLines { get; }

    public int Count => _values.Count;

    /// <summary>The names kept.</summary>
    public IEnumerable<string> Names => _values.Keys;

    public long? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// Parses <c>/stats</c> text. <paramref name="keep"/>, when given, limits which stat names are kept: a
    /// gateway's stats run to tens of thousands of lines and only a few clusters matter.
    /// </summary>
    public static EnvoyStatsText Parse(TextReader text, Func<string, bool>? keep = null)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var skipped = 0;
        while (text.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            // Stat names may contain ':' (addresses); the value follows the last ": ".
            var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 || !long.TryParse(line.AsSpan(colon + 2).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                skipped++;
                continue;
            }

            var name = line[..colon].Trim();
            if (keep is null || keep(name))
            {
                values[name] = value;
            }
        }

        return new EnvoyStatsText(values, skipped);
    }

    public static EnvoyStatsText Parse(string text, Func<string, bool>? keep = null)
    {
        using var reader = new StringReader(text);
        return Parse(reader, keep);
    }
}
