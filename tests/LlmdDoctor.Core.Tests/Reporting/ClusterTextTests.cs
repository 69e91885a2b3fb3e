using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Core.Tests.Reporting;

/// <summary>Cluster-supplied strings reach the text and Markdown reports as data: no terminal control, no markup.</summary>
public sealed class ClusterTextTests
{
    [Theory]
    [InlineData("plain message: 3/4 ready", "plain message: 3/4 ready")]
    [InlineData("", "")]
    [InlineData("café ✓ 模型", "café ✓ 模型")]
    [InlineData("\u001b[2J\u001b]0;pwned\u0007", @"\x1b[2J\x1b]0;pwned\x07")]
    [InlineData("line one\nline two\r", @"line one\nline two\r")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("nul\0", @"nul\x00")]
    [InlineData("csi\u009b31m", @"csi\u009b31m")]
    [InlineData("sep\u2028arator", @"sep\u2028arator")]
    [InlineData("bidi\u202eevil\u2066", @"bidi\u202eevil\u2066")]
    public void Visible_spells_control_characters(string text, string expected) => Assert.Equal(expected, ClusterText.Visible(text));

    [Theory]
    [InlineData("pool my-first-model ready", "pool my-first-model ready")]
    [InlineData("[click](https://evil)", @"\[click\](https://evil)")]
    [InlineData("![img](x)", @"\!\[img\](x)")]
    [InlineData("<script>alert(1)</script>", @"\<script\>alert(1)\</script\>")]
    [InlineData("a | b", @"a \| b")]
    [InlineData("*bold* _em_ ~~x~~ `code`", @"\*bold\* \_em\_ \~\~x\~\~ \`code\`")]
    [InlineData("# heading\nnext", @"\# heading\\nnext")]
    public void Markdown_escapes_markup(string text, string expected) => Assert.Equal(expected, ClusterText.Markdown(text));

    [Theory]
    [InlineData("/v1", "`/v1`")]
    [InlineData("/a`b", "``/a`b``")]
    [InlineData("`x`", "`` `x` ``")]
    [InlineData("a|b", @"`a\|b`")]
    public void Markdown_code_spans_cannot_be_closed_early(string text, string expected) => Assert.Equal(expected, ClusterText.MarkdownCode(text));

    [Fact]
    public void Reports_render_a_hostile_condition_message_as_data()
    {
        var report = new Report
        {
            Source = new ReportSource { Kind = "cluster", Name = "prod\u001b[2J" },
            Findings =
            [
                new ReportFinding
                {
                    Code = "LLMD0101", Name = "GatewayNotReady", Severity = "critical",
                    Subject = new ReportSubject { Kind = "Gateway", Namespace = "ns", Name = "gw\u001b]0;x\u0007" },
                    Message = "Programmed=False (Invalid: \u001b[31mred\u001b[0m\n| forged | row |\n[link](https://evil))",
                    RunbookUrl = "http://runbooks/LLMD0101",
                },
            ],
        };

        var text = TextReportRenderer.Render(report, colour: true);
        var markdown = MarkdownReportRenderer.Render(report);

        Assert.DoesNotContain("\u001b[2J", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[31m", text, StringComparison.Ordinal);
        Assert.Contains(@"\x1b[31mred\x1b[0m\n| forged | row |", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[1;31mCRITICAL\u001b[0m", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', markdown);
        Assert.DoesNotContain("\n| forged", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("[link](https://evil)", markdown, StringComparison.Ordinal);
        Assert.Contains(@"\| forged \| row \|", markdown, StringComparison.Ordinal);
    }
}
