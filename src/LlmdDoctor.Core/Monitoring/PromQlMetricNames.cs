namespace LlmdDoctor.Core.Monitoring;

/// <summary>
/// Finds the metric names a PromQL expression reads, with a small tokenizer rather than a full parser: an
/// identifier (letters, digits, <c>_</c>, <c>:</c>) counts as a metric name unless it is followed by <c>(</c>
/// (a function or aggregation), is a keyword (<c>by</c>, <c>sum</c>, <c>offset</c>…), sits inside a label
/// matcher <c>{…}</c> or a range <c>[…]</c>, follows <c>by</c>/<c>on</c>/… as a label list, or is a Grafana
/// variable (<c>$model</c>). <c>{__name__="x"}</c> yields <c>x</c>. Good enough for dashboards and rules; it
/// never throws on malformed input.
/// </summary>
public static class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "atan2", "inf", "nan", "sum", "avg", "count", "min", "max", "stddev", "stdvar", "topk", "bottomk",
        "quantile", "count_values", "group", "limitk", "limit_ratio", "start", "end",
    };

    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    /// <summary>Distinct metric names in order of first appearance.</summary>
    public static IReadOnlyList<string> Extract(string? expr)
    {
        var names = new List<string>();
        if (string.IsNullOrEmpty(expr))
        {
            return names;
        }

        var i = 0;
        while (i < expr.Length)
        {
            var c = expr[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(expr, i);
            }
            else if (c == '#')
            {
                while (i < expr.Length && expr[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '{')
            {
                i = ReadMatchers(expr, i, names);
            }
            else if (c == '[')
            {
                i = SkipBalanced(expr, i, '[', ']');
            }
            else if (c == '$')
            {
                i = SkipVariable(expr, i);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < expr.Length && char.IsAsciiDigit(expr[i + 1])))
            {
                while (i < expr.Length && (char.IsAsciiLetterOrDigit(expr[i]) || expr[i] is '.' or '_'))
                {
                    i++;
                }
            }
            else if (IsIdentifierStart(c))
            {
                var start = i;
                while (i < expr.Length && IsIdentifierPart(expr[i]))
                {
                    i++;
                }

                var word = expr[start..i];
                var next = SkipSpace(expr, i);
                if (LabelListKeywords.Contains(word))
                {
                    if (next < expr.Length && expr[next] == '(')
                    {
                        i = SkipBalanced(expr, next, '(', ')');
                    }
                }
                else if ((next >= expr.Length || expr[next] != '(') && !Keywords.Contains(word))
                {
                    Add(names, word);
                }
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    private static void Add(List<string> names, string name)
    {
        if (name.Any(char.IsAsciiLetter) && !names.Contains(name))
        {
            names.Add(name);
        }
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipString(string s, int i)
    {
        var quote = s[i++];
        while (i < s.Length && s[i] != quote)
        {
            i += s[i] == '\\' && quote != '`' ? 2 : 1;
        }

        return Math.Min(i + 1, s.Length);
    }

    private static int SkipVariable(string s, int i)
    {
        i++;
        if (i < s.Length && s[i] == '{')
        {
            return SkipBalanced(s, i, '{', '}');
        }

        while (i < s.Length && IsIdentifierPart(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipBalanced(string s, int i, char open, char close)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(s, i);
                continue;
            }

            if (c == open)
            {
                depth++;
            }
            else if (c == close && --depth == 0)
            {
                return i + 1;
            }

            i++;
        }

        return i;
    }

    /// <summary>Reads <c>{label op "value", …}</c>, keeping the value of <c>__name__ = "…"</c>.</summary>
    private static int ReadMatchers(string s, int i, List<string> names)
    {
        i++;
        while (i < s.Length && s[i] != '}')
        {
            i = SkipSpace(s, i);
            var start = i;
            while (i < s.Length && IsIdentifierPart(s[i]))
            {
                i++;
            }

            var label = s[start..i];
            i = SkipSpace(s, i);
            var op = i < s.Length && s[i] == '=' && (i + 1 >= s.Length || s[i + 1] is not '~') ? "=" : "";
            while (i < s.Length && s[i] is '=' or '!' or '~')
            {
                i++;
            }

            i = SkipSpace(s, i);
            if (i < s.Length && s[i] is '"' or '\'' or '`')
            {
                var end = SkipString(s, i);
                if (label == "__name__" && op == "=" && end - i >= 2)
                {
                    Add(names, s[(i + 1)..(end - 1)]);
                }

                i = end;
            }
            else if (i < s.Length && s[i] != '}' && s[i] != ',' && i == start)
            {
                i++;
            }

            i = SkipSpace(s, i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
            }
        }

        return Math.Min(i + 1, s.Length);
    }
}
