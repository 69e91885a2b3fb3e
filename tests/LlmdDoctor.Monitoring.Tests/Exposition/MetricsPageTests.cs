using System.Buffers;
using System.Globalization;
using System.Text;
using LlmdDoctor.Monitoring.Exposition;

namespace LlmdDoctor.Monitoring.Tests.Exposition;

/// <summary>The page as a writer: shared label sets, families written in order, pages larger than one chunk.</summary>
public sealed class MetricsPageTests
{
    private static readonly string[] Names = ["a", "b"];

    public static TheoryData<string?, string?> LabelValues => new()
    {
        { "plain", "x" },
        { "", "" },
        { null, "null is written as empty" },
        { "quote\"back\\slash\nnewline", "\\\\" },
        { "ünïcödé ✓ 🚀", "mixed ascii, then ü" },
        { "\"", "\n" },
    };

    [Theory]
    [MemberData(nameof(LabelValues))]
    public void A_shared_label_set_is_written_as_the_same_values_given_one_by_one(string? a, string? b)
    {
        var byValues = new MetricsPage();
        byValues.Gauge("g", "h", Names).Add(1, a!, b!);
        byValues.Gauge("p", "h", [.. Names, "phase"]).Add(0.5, a!, b!, "total");

        var bySet = new MetricsPage();
        var labels = new LabelSet(Names, a!, b!);
        bySet.Gauge("g", "h", Names).Add(1, labels);
        bySet.Gauge("p", "h", [.. Names, "phase"]).Add(0.5, labels, new LabelSet(["phase"], "total"));

        Assert.Equal(byValues.Render().ToArray(), bySet.Render().ToArray());
    }

    public static TheoryData<string[], string[]?> MisnamedSets => new()
    {
        { ["a"], null },
        { ["a", "b", "c"], null },
        { ["b", "a"], null },
        { ["a", "x"], null },
        { ["a"], ["b"] },
        { ["a", "b"], ["phase", "more"] },
        { ["a", "b"], ["x"] },
        { ["a", "phase"], ["b"] },
    };

    [Theory]
    [MemberData(nameof(MisnamedSets))]
    public void Label_sets_must_name_the_familys_labels_in_order(string[] names, string[]? more)
    {
        var page = new MetricsPage();
        var family = more is null ? page.Gauge("g", "h", Names) : page.Gauge("g", "h", [.. Names, "phase"]);
        var labels = new LabelSet(names, [.. names.Select(n => n + "-value")]);
        Assert.Throws<ArgumentException>(() => more is null
            ? family.Add(1, labels)
            : family.Add(1, labels, new LabelSet(more, [.. more.Select(n => n + "-value")])));
    }

    [Fact]
    public void A_label_set_needs_a_value_per_name() =>
        Assert.Throws<ArgumentException>(() => new LabelSet(Names, "only-one"));

    [Fact]
    public void A_family_takes_no_samples_once_the_next_one_is_started_or_the_page_is_rendered()
    {
        var page = new MetricsPage();
        var first = page.Gauge("first", "h").Add(1);
        var second = page.Counter("second", "h").Add(2);
        Assert.Throws<InvalidOperationException>(() => first.Add(3));
        _ = page.Render();
        Assert.Throws<InvalidOperationException>(() => second.Add(4));
        Assert.Throws<InvalidOperationException>(() => page.Gauge("third", "h"));
    }

    [Fact]
    public void A_family_without_a_page_takes_no_samples() =>
        Assert.Throws<InvalidOperationException>(() => new MetricFamily("alone", "h", MetricType.Gauge).Add(1));

    [Fact]
    public void A_page_of_many_chunks_is_its_lines_in_order()
    {
        var page = new MetricsPage();
        var expected = new StringBuilder("# HELP llmd_test_many Many series.\n# TYPE llmd_test_many gauge\n");
        var many = page.Gauge("llmd_test_many", "Many series.", "gateway", "route", "phase");
        var phase = new LabelSet(["phase"], "total");
        for (var i = 0; i < 20_000; i++)
        {
            var value = i % 3 == 0 ? i : i / 7.0;
            var text = i % 3 == 0 ? i.ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
            expected.Append(CultureInfo.InvariantCulture, $"llmd_test_many{{gateway=\"gw-{i / 10}\",route=\"route-{i}-ü\",phase=\"total\"}} {text}\n");
            if (i % 2 == 0)
            {
                many.Add(value, $"gw-{i / 10}", $"route-{i}-ü", "total");
            }
            else
            {
                many.Add(value, new LabelSet(["gateway", "route"], $"gw-{i / 10}", $"route-{i}-ü"), phase);
            }
        }

        var rendered = page.Render();
        Assert.False(rendered.IsSingleSegment);
        Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), rendered.ToArray());
    }
}

/// <summary>Label values from the cluster: escaped per the text format, bounded, never carrying a known credential.</summary>
public sealed class LabelValueSafetyTests
{
    private static string Render(params string[] values)
    {
        var page = new MetricsPage();
        var family = page.Gauge("llmd_test", "help", "name");
        foreach (var v in values)
        {
            family.Add(1, new LabelSet(["name"], v));
        }

        return page.RenderText();
    }

    [Theory]
    [InlineData("plain", "name=\"plain\"")]
    [InlineData("quote\"back\\slash\nnewline", "name=\"quote\\\"back\\\\slash\\nnewline\"")]
    public void Values_are_escaped(string value, string expected) => Assert.Contains(expected, Render(value), StringComparison.Ordinal);

    [Fact]
    public void Long_values_are_bounded_and_stay_distinct()
    {
        var a = new string('a', 5000);
        var b = new string('a', 4999) + "b";

        var text = Render(a, b);

        var lines = text.Split('\n').Where(l => l.StartsWith("llmd_test{", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Distinct().Count());
        Assert.All(lines, l => Assert.True(l.Length < LabelSet.MaxValueLength + 40, l));
    }

    [Fact]
    public void Known_credentials_never_become_label_values()
    {
        LlmdDoctor.Core.Security.KnownCredentials.Register("label-CANARY-4d1f9a");

        var text = Render("https://gw.example/?token=label-CANARY-4d1f9a");

        Assert.DoesNotContain("CANARY", text, StringComparison.Ordinal);
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);
    }
}
