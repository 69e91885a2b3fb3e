using System.Globalization;
using System.Text;

namespace LlmdDoctor.Monitoring.Exposition;

/// <summary>The Prometheus metric types the doctor exposes.</summary>
public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>One metric family: a name, help text, a type and its samples (label set → value).</summary>
public sealed class MetricFamily
{
    private readonly List<(string[] Values, double Value)> _samples = [];

    public MetricFamily(string name, string help, MetricType type, params string[] labelNames)
    {
        if (!IsMetricName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus metric name", nameof(name));
        }

        foreach (var label in labelNames)
        {
            if (!IsLabelName(label))
            {
                throw new ArgumentException($"'{label}' is not a valid Prometheus label name", nameof(labelNames));
            }
        }

        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
    }

    public string Name { get; }
    public string Help { get; }
    public MetricType Type { get; }
    public IReadOnlyList<string> LabelNames { get; }
    public int Count => _samples.Count;

    /// <summary>Adds a sample; label values are given in the order of <see cref="LabelNames"/>.</summary>
    public MetricFamily Add(double value, params string[] labelValues)
    {
        if (labelValues.Length != LabelNames.Count)
        {
            throw new ArgumentException($"{Name} takes {LabelNames.Count} label values, got {labelValues.Length}", nameof(labelValues));
        }

        _samples.Add((labelValues, value));
        return this;
    }

    /// <summary>Writes the family in the text exposition format 0.0.4.</summary>
    public void WriteTo(StringBuilder s)
    {
        s.Append("# HELP ").Append(Name).Append(' ');
        EscapeHelp(s, Help);
        s.Append("\n# TYPE ").Append(Name).Append(' ').Append(Type == MetricType.Counter ? "counter" : "gauge").Append('\n');
        foreach (var (values, value) in _samples)
        {
            s.Append(Name);
            if (values.Length > 0)
            {
                s.Append('{');
                for (var i = 0; i < values.Length; i++)
                {
                    if (i > 0)
                    {
                        s.Append(',');
                    }

                    s.Append(LabelNames[i]).Append("=\"");
                    EscapeLabelValue(s, values[i]);
                    s.Append('"');
                }

                s.Append('}');
            }

            s.Append(' ');
            AppendValue(s, value);
            s.Append('\n');
        }
    }

    private static void AppendValue(StringBuilder s, double value)
    {
        // Integral values (0/1 gauges, counts, status codes) are most samples: format them without allocating.
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            s.Append((long)value);
        }
        else
        {
            s.Append(FormatValue(value));
        }
    }

    public static string FormatValue(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static void EscapeHelp(StringBuilder s, string text)
    {
        if (text.AsSpan().IndexOfAny('\\', '\n') < 0)
        {
            s.Append(text);
            return;
        }

        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => s.Append("\\\\"),
                '\n' => s.Append("\\n"),
                _ => s.Append(c),
            };
        }
    }

    private static void EscapeLabelValue(StringBuilder s, string text)
    {
        // Nearly every value needs no escaping: append it whole.
        if (text.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            s.Append(text);
            return;
        }

        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => s.Append("\\\\"),
                '"' => s.Append("\\\""),
                '\n' => s.Append("\\n"),
                _ => s.Append(c),
            };
        }
    }

    public static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    public static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && !name.StartsWith("__", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>A set of families rendered together as one <c>/metrics</c> page.</summary>
public sealed class MetricsPage
{
    private readonly List<MetricFamily> _families = [];

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public MetricFamily Gauge(string name, string help, params string[] labelNames) => Add(new MetricFamily(name, help, MetricType.Gauge, labelNames));

    public MetricFamily Counter(string name, string help, params string[] labelNames) => Add(new MetricFamily(name, help, MetricType.Counter, labelNames));

    public IReadOnlyList<MetricFamily> Families => _families;

    private MetricFamily Add(MetricFamily family)
    {
        if (_families.Any(f => f.Name == family.Name))
        {
            throw new InvalidOperationException($"metric family {family.Name} is already on the page");
        }

        _families.Add(family);
        return family;
    }

    public string Render()
    {
        var s = new StringBuilder(1024 + _families.Sum(f => f.Count * 160));
        foreach (var family in _families)
        {
            family.WriteTo(s);
        }

        return s.ToString();
    }
}
