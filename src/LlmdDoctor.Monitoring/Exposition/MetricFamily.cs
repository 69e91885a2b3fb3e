using System.Buffers;
using System.Globalization;
using System.Text;

namespace LlmdDoctor.Monitoring.Exposition;

/// <summary>The Prometheus metric types the doctor exposes.</summary>
public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>
/// One metric family of a <see cref="MetricsPage"/>: a name, help text, a type and its samples (label set → value).
/// Samples are written to the page as they are added, so a family is filled before the next one is started.
/// </summary>
public sealed class MetricFamily
{
    /// <summary>The longest value text: 17 significant digits, sign, point and exponent (<c>-1.7976931348623157E+308</c>).</summary>
    internal const int MaxValueBytes = 24;

    private readonly MetricsPage? _page;
    private readonly string[] _labelNames;
    private readonly byte[] _name;

    /// <summary>A family on its own, to check a name and label names; adding samples needs a page.</summary>
    public MetricFamily(string name, string help, MetricType type, params string[] labelNames)
        : this(null, name, help, type, labelNames)
    {
    }

    internal MetricFamily(MetricsPage? page, string name, string help, MetricType type, string[] labelNames)
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

        _page = page;
        Name = name;
        Help = help;
        Type = type;
        _labelNames = labelNames;
        _name = Encoding.UTF8.GetBytes(name);
    }

    public string Name { get; }
    public string Help { get; }
    public MetricType Type { get; }
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>The samples added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a sample; label values are given in the order of <see cref="LabelNames"/>.</summary>
    public MetricFamily Add(double value, params string[] labelValues)
    {
        if (labelValues.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_labelNames.Length} label values, got {labelValues.Length}", nameof(labelValues));
        }

        return Write(labelValues.Length == 0 ? LabelSet.Empty : new LabelSet(_labelNames, labelValues), null, value);
    }

    /// <summary>Adds a sample labelled by a set escaped once for several series; its names must be <see cref="LabelNames"/>.</summary>
    public MetricFamily Add(double value, LabelSet labels)
    {
        if (labels.Names.Count != _labelNames.Length || !Named(labels, 0))
        {
            throw new ArgumentException($"{Name} is labelled {string.Join(",", _labelNames)}, not {string.Join(",", labels.Names)}", nameof(labels));
        }

        return Write(labels, null, value);
    }

    /// <summary>
    /// Adds a sample labelled by a shared set followed by more labels (a probe's labels, then its phase); together their
    /// names must be <see cref="LabelNames"/>, in order.
    /// </summary>
    public MetricFamily Add(double value, LabelSet labels, LabelSet more)
    {
        if (labels.Names.Count + more.Names.Count != _labelNames.Length || !Named(labels, 0) || !Named(more, labels.Names.Count))
        {
            throw new ArgumentException(
                $"{Name} is labelled {string.Join(",", _labelNames)}, not {string.Join(",", [.. labels.Names, .. more.Names])}", nameof(more));
        }

        return Write(labels, more, value);
    }

    private bool Named(LabelSet labels, int start)
    {
        var names = labels.Names;
        for (var i = 0; i < names.Count; i++)
        {
            if (!string.Equals(names[i], _labelNames[start + i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c># HELP</c> and <c># TYPE</c> in the text exposition format 0.0.4.</summary>
    internal void WriteHeader(PageBuffer buffer) =>
        buffer.Write(Encoding.UTF8.GetBytes($"# HELP {Name} {EscapeHelp(Help)}\n# TYPE {Name} {(Type == MetricType.Counter ? "counter" : "gauge")}\n"));

    /// <summary>One sample line, <c>name{labels,more} value</c>, in the text exposition format 0.0.4.</summary>
    private MetricFamily Write(LabelSet labels, LabelSet? more, double value)
    {
        var buffer = (_page ?? throw new InvalidOperationException($"{Name} is not on a page: add it with MetricsPage.Gauge or Counter"))
            .BufferFor(this);
        if (more is { Length: 0 })
        {
            more = null;
        }

        // The name, the labels, five separators around them and the value.
        var destination = buffer.Reserve(_name.Length + labels.Length + (more?.Length ?? 0) + 5 + MaxValueBytes);
        _name.CopyTo(destination);
        var n = _name.Length;
        if (labels.Length > 0 || more is not null)
        {
            destination[n++] = (byte)'{';
            labels.Text.CopyTo(destination[n..]);
            n += labels.Length;
            if (more is not null)
            {
                if (labels.Length > 0)
                {
                    destination[n++] = (byte)',';
                }

                more.Text.CopyTo(destination[n..]);
                n += more.Length;
            }

            destination[n++] = (byte)'}';
        }

        destination[n++] = (byte)' ';
        n += WriteValue(value, destination[n..]);
        destination[n++] = (byte)'\n';
        buffer.Advance(n);
        Count++;
        return this;
    }

    /// <summary>Writes a value as <see cref="FormatValue"/> does, except that integers are written as integers.</summary>
    internal static int WriteValue(double value, Span<byte> destination)
    {
        // Integral values (0/1 gauges, counts, status codes) are most samples.
        int written;
        var ok = value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).TryFormat(destination, out written, default, CultureInfo.InvariantCulture)
            : double.IsNaN(value) ? Copy("NaN"u8, destination, out written)
            : double.IsPositiveInfinity(value) ? Copy("+Inf"u8, destination, out written)
            : double.IsNegativeInfinity(value) ? Copy("-Inf"u8, destination, out written)
            : value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        return ok ? written : throw new InvalidOperationException($"{value} does not fit {destination.Length} bytes");
    }

    private static bool Copy(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = text.Length;
        return text.TryCopyTo(destination);
    }

    public static string FormatValue(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeHelp(string? text) =>
        text.AsSpan().IndexOfAny('\\', '\n') < 0 ? text ?? ""
        : text!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    public static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && !name.StartsWith("__", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>
/// A set of families written together as one <c>/metrics</c> page, in the order they are started; the samples of a
/// family are written as they are added, so a family takes no samples once the next one is started.
/// </summary>
public sealed class MetricsPage
{
    private readonly List<MetricFamily> _families = [];
    private readonly PageBuffer _buffer = new();
    private bool _finished;

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public MetricFamily Gauge(string name, string help, params string[] labelNames) => Start(name, help, MetricType.Gauge, labelNames);

    public MetricFamily Counter(string name, string help, params string[] labelNames) => Start(name, help, MetricType.Counter, labelNames);

    public IReadOnlyList<MetricFamily> Families => _families;

    private MetricFamily Start(string name, string help, MetricType type, string[] labelNames)
    {
        var family = new MetricFamily(this, name, help, type, labelNames);
        if (_families.Any(f => f.Name == family.Name))
        {
            throw new InvalidOperationException($"metric family {family.Name} is already on the page");
        }

        Open();
        _families.Add(family);
        family.WriteHeader(_buffer);
        return family;
    }

    /// <summary>Where <paramref name="family"/> writes a sample: only the family started last takes samples.</summary>
    internal PageBuffer BufferFor(MetricFamily family)
    {
        Open();
        return ReferenceEquals(family, _families[^1]) ? _buffer
            : throw new InvalidOperationException($"{family.Name} takes no samples once {_families[^1].Name} is started: families are written in order");
    }

    private void Open()
    {
        if (_finished)
        {
            throw new InvalidOperationException("the page is rendered: it takes no more families or samples");
        }
    }

    /// <summary>
    /// The page in the text exposition format 0.0.4, as the UTF-8 bytes <c>/metrics</c> serves (a sequence of
    /// chunks); the page takes nothing more after.
    /// </summary>
    public ReadOnlySequence<byte> Render()
    {
        Open();
        _finished = true;
        return _buffer.Finish();
    }

    /// <summary>The page as text (tests, promtool).</summary>
    public string RenderText() => Encoding.UTF8.GetString(Render());
}
