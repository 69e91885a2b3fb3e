using System.Globalization;
using System.Text;

namespace LlmdDoctor.Core.Reporting;

/// <summary>
/// Escapes strings the cluster supplied (names, condition messages, peer bodies) for the text and Markdown reports:
/// they are data, never terminal control or markup. A control character becomes visible (<c>\x1b</c>, <c>\n</c>,
/// <c>\u2028</c>) so an escape sequence in a condition message cannot clear the screen, retitle the terminal, or
/// forge a line of the report; in Markdown, the characters that would start a link, an HTML tag, emphasis, a code
/// span or a table cell are backslash-escaped.
/// </summary>
public static class ClusterText
{
    /// <summary>The text with every control, line-separator and bidirectional-override character spelled visibly.</summary>
    public static string Visible(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var s = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!NeedsEscape(c))
            {
                s.Append(c);
                continue;
            }

            s.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                < '\u0080' => @"\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return s.ToString();
    }

    /// <summary>Inline Markdown text: <see cref="Visible"/>, then markup characters backslash-escaped.</summary>
    public static string Markdown(string? text)
    {
        var visible = Visible(text);
        var s = new StringBuilder(visible.Length + 8);
        foreach (var c in visible)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '~' or '#' or '!')
            {
                s.Append('\\');
            }

            s.Append(c);
        }

        return s.ToString();
    }

    /// <summary>A Markdown code span holding <paramref name="text"/> verbatim (fenced by more backticks than it contains; pipes escaped for tables).</summary>
    public static string MarkdownCode(string? text)
    {
        var visible = Visible(text).Replace("|", "\\|", StringComparison.Ordinal);
        var longest = 0;
        var run = 0;
        foreach (var c in visible)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = visible.StartsWith('`') || visible.EndsWith('`') ? " " : "";
        return fence + pad + visible + pad + fence;
    }

    // C0 and C1 controls, DEL, line/paragraph separators and the bidirectional controls (Trojan Source, CVE-2021-42574).
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}
