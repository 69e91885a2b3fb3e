using System.Buffers;
using System.Text;
using LlmdDoctor.Monitoring.Exposition;

namespace LlmdDoctor.Monitoring.Tests.Exposition;

/// <summary>
/// The exact text the writer produces: a page with every number and escaping case, compared with a golden file
/// rendered by the StringBuilder writer this one replaced (its text encoded as UTF-8, as the agent served it), and
/// each value's formatting on its own.
/// </summary>
public sealed class ExpositionBytesTests
{
    public static TheoryData<double, string> Values => new()
    {
        { 0, "0" },
        { -0.0, "0" },
        { 1, "1" },
        { -1, "-1" },
        { 200, "200" },
        { 0.5, "0.5" },
        { -42.25, "-42.25" },
        { 0.1, "0.1" },
        { 1.0 / 3, "0.3333333333333333" },
        { 1e-7, "1E-07" },
        { 0.0004, "0.0004" },
        { 0.049, "0.049" },
        { 123456789012345.5, "123456789012345.5" },
        { 999_999_999_999_999, "999999999999999" },
        { -999_999_999_999_999, "-999999999999999" },
        { 1e15, "1000000000000000" },
        { -1e15, "-1000000000000000" },
        { 1e16, "10000000000000000" },
        { 1e17, "1E+17" },
        { 123456789012345678, "1.2345678901234568E+17" },
        { long.MaxValue, "9.223372036854776E+18" },
        { double.MaxValue, "1.7976931348623157E+308" },
        { double.MinValue, "-1.7976931348623157E+308" },
        { double.Epsilon, "5E-324" },
        { 2.5e-320, "2.5E-320" },
        { 1760000000.123, "1760000000.123" },
        { double.NaN, "NaN" },
        { double.PositiveInfinity, "+Inf" },
        { double.NegativeInfinity, "-Inf" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Values_are_written_as_before(double value, string expected)
    {
        var page = new MetricsPage();
        page.Gauge("v", "v").Add(value);
        Assert.Equal(Encoding.UTF8.GetBytes($"# HELP v v\n# TYPE v gauge\nv {expected}\n"), page.Render().ToArray());
    }

    [Fact]
    public void A_page_with_every_case_matches_the_golden_file() =>
        Core.Tests.GoldenFile.VerifyBytes("exposition.txt", Tricky().Render().ToArray());

    private static MetricsPage Tricky()
    {
        var page = new MetricsPage();
        var values = page.Gauge("llmd_test_values", "Every kind of number.", "value");
        foreach (var row in Values)
        {
            values.Add((double)row[0], (string)row[1]);
        }

        page.Gauge("llmd_test_escaping", "Help with a back\\slash, a \"quote\"\nand a newline; ünïcödé ✓.", "a", "b")
            .Add(1, "", "plain")
            .Add(2, "quote\"back\\slash\nnewline", "tab\tand more")
            .Add(3, "ünïcödé ✓ 🚀", "\\\\\"\"\n\n")
            .Add(4, "trailing\\", "\"");
        page.Counter("llmd_test_total", "No labels.").Add(7);
        page.Gauge("llmd_test_empty", "A family without samples.", "x");
        page.Gauge("llmd_test:colon_name", "Colons are allowed in names.", "_under").Add(0.25, "v");
        return page;
    }
}
