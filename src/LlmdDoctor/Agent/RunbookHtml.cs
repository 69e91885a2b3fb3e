using System.Net;
using System.Text;

namespace LlmdDoctor.Agent;

/// <summary>
/// Renders a runbook's Markdown as a plain HTML page so <c>runbook_url</c> links work inside the cluster with no
/// internet. Handles what the runbooks use: headings, paragraphs, lists, fenced code, tables, inline code, bold, links.
/// </summary>
public static class RunbookHtml
{
    public static string Render(string code, string markdown)
    {
        var s = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>");
        s.Append(WebUtility.HtmlEncode(code)).Append("</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45}")
            .Append("pre{background:#f4f4f4;padding:.8em;overflow-x:auto}code{background:#f4f4f4}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em}</style></head><body>\n");
        var lines = markdown.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var inCode = false;
        var inList = false;
        var inTable = false;
        var paragraph = new List<string>();

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                s.Append("<p>").Append(Inline(string.Join(" ", paragraph))).Append("</p>\n");
                paragraph.Clear();
            }
        }

        void CloseBlocks()
        {
            FlushParagraph();
            if (inList)
            {
                s.Append("</ul>\n");
                inList = false;
            }

            if (inTable)
            {
                s.Append("</table>\n");
                inTable = false;
            }
        }

        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (inCode)
                {
                    s.Append("</code></pre>\n");
                    inCode = false;
                }
                else
                {
                    CloseBlocks();
                    s.Append("<pre><code>");
                    inCode = true;
                }

                continue;
            }

            if (inCode)
            {
                s.Append(WebUtility.HtmlEncode(line)).Append('\n');
                continue;
            }

            var heading = line.TakeWhile(c => c == '#').Count();
            if (heading is > 0 and <= 6 && line.Length > heading && line[heading] == ' ')
            {
                CloseBlocks();
                s.Append("<h").Append(heading).Append('>').Append(Inline(line[(heading + 1)..])).Append("</h").Append(heading).Append(">\n");
            }
            else if (line.TrimStart().StartsWith("- ", StringComparison.Ordinal) || line.TrimStart().StartsWith("* ", StringComparison.Ordinal))
            {
                FlushParagraph();
                if (!inList)
                {
                    s.Append("<ul>\n");
                    inList = true;
                }

                s.Append("<li>").Append(Inline(line.TrimStart()[2..])).Append("</li>\n");
            }
            else if (line.StartsWith('|'))
            {
                FlushParagraph();
                if (line.Replace("|", "", StringComparison.Ordinal).Trim().All(c => c is '-' or ':' or ' '))
                {
                    continue;
                }

                if (!inTable)
                {
                    s.Append("<table>\n");
                    inTable = true;
                }

                s.Append("<tr>");
                foreach (var cell in line.Trim().Trim('|').Split('|'))
                {
                    s.Append("<td>").Append(Inline(cell.Trim())).Append("</td>");
                }

                s.Append("</tr>\n");
            }
            else if (string.IsNullOrWhiteSpace(line))
            {
                CloseBlocks();
            }
            else
            {
                if (inList || inTable)
                {
                    CloseBlocks();
                }

                paragraph.Add(line.Trim());
            }
        }

        if (inCode)
        {
            s.Append("</code></pre>\n");
        }

        CloseBlocks();
        return s.Append("</body></html>\n").ToString();
    }

    /// <summary>Inline Markdown: `code`, **bold**, [text](url); everything HTML-escaped.</summary>
    private static string Inline(string text)
    {
        var s = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '`' && text.IndexOf('`', i + 1) is var end && end > i)
            {
                s.Append("<code>").Append(WebUtility.HtmlEncode(text[(i + 1)..end])).Append("</code>");
                i = end + 1;
            }
            else if (text.AsSpan(i).StartsWith("**") && text.IndexOf("**", i + 2, StringComparison.Ordinal) is var bold && bold > i)
            {
                s.Append("<strong>").Append(Inline(text[(i + 2)..bold])).Append("</strong>");
                i = bold + 2;
            }
            else if (text[i] == '[' && text.IndexOf("](", i, StringComparison.Ordinal) is var mid && mid > i
                     && text.IndexOf(')', mid) is var close && close > mid)
            {
                var href = text[(mid + 2)..close];
                var safe = href.StartsWith("http://", StringComparison.Ordinal) || href.StartsWith("https://", StringComparison.Ordinal)
                    || href.EndsWith(".md", StringComparison.Ordinal);
                var target = href.EndsWith(".md", StringComparison.Ordinal) ? href[..^3] : href;
                s.Append(safe ? $"<a href=\"{WebUtility.HtmlEncode(target)}\">" : "<span>")
                    .Append(WebUtility.HtmlEncode(text[(i + 1)..mid])).Append(safe ? "</a>" : "</span>");
                i = close + 1;
            }
            else
            {
                s.Append(WebUtility.HtmlEncode(text[i].ToString()));
                i++;
            }
        }

        return s.ToString();
    }
}
