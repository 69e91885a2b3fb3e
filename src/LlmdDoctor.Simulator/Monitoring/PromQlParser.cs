using System.Globalization;

namespace LlmdDoctor.Simulator.Monitoring;

/// <summary>A label matcher of a vector selector: <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c> (regexes fully anchored, as Prometheus does).</summary>
internal sealed record LabelMatcher(string Name, string Op, string Value)
{
    private readonly System.Text.RegularExpressions.Regex? _regex = Op is "=~" or "!~"
        ? new System.Text.RegularExpressions.Regex("^(?:" + Value + ")$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
        : null;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.TryGetValue(Name, out var v) ? v : "";
        return Op switch
        {
            "=" => value == Value,
            "!=" => value != Value,
            "=~" => _regex!.IsMatch(value),
            _ => !_regex!.IsMatch(value),
        };
    }
}

/// <summary>The PromQL subset the simulator evaluates.</summary>
internal abstract record PromExpr;

internal sealed record NumberExpr(double Value) : PromExpr;

internal sealed record StringExpr(string Value) : PromExpr;

internal sealed record SelectorExpr(IReadOnlyList<LabelMatcher> Matchers) : PromExpr;

internal sealed record CallExpr(string Function, IReadOnlyList<PromExpr> Args) : PromExpr;

internal sealed record AggregateExpr(string Op, bool Without, IReadOnlyList<string> Grouping, PromExpr? Parameter, PromExpr Inner) : PromExpr;

internal sealed record BinaryExpr(string Op, PromExpr Left, PromExpr Right, IReadOnlyList<string>? On, bool Bool) : PromExpr;

internal sealed record NegateExpr(PromExpr Inner) : PromExpr;

/// <summary>Raised for a query the parser cannot read; the API answers 400 bad_data with the message, as Prometheus does.</summary>
internal sealed class PromQlException(string message) : Exception(message);

/// <summary>
/// A recursive-descent parser for a PromQL subset: numbers, strings, vector selectors with matchers (range and
/// offset accepted and ignored), function calls, aggregations with by/without before or after the argument,
/// unary minus, binary arithmetic/comparison/set operators with on/ignoring/group_left/group_right/bool modifiers.
/// </summary>
internal sealed class PromQlParser
{
    private static readonly HashSet<string> Aggregations = new(StringComparer.Ordinal)
    {
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    };

    private static readonly string[][] Levels =
    [
        ["or"],
        ["and", "unless"],
        ["==", "!=", ">=", "<=", ">", "<"],
        ["+", "-"],
        ["*", "/", "%", "atan2"],
        ["^"],
    ];

    private readonly string _text;
    private int _pos;

    private PromQlParser(string text) => _text = text;

    public static PromExpr Parse(string text)
    {
        var parser = new PromQlParser(text);
        var expr = parser.ParseBinary(0);
        parser.SkipSpace();
        if (parser._pos < text.Length)
        {
            throw new PromQlException($"1:{parser._pos + 1}: parse error: unexpected character: '{text[parser._pos]}'");
        }

        return expr;
    }

    private PromExpr ParseBinary(int level)
    {
        if (level == Levels.Length)
        {
            return ParseUnary();
        }

        var left = ParseBinary(level + 1);
        while (TryOperator(Levels[level]) is { } op)
        {
            var isBool = TryKeyword("bool");
            IReadOnlyList<string>? on = null;
            if (TryKeyword("on"))
            {
                on = ParseLabelList();
            }
            else if (TryKeyword("ignoring"))
            {
                ParseLabelList();
            }

            if (TryKeyword("group_left") || TryKeyword("group_right"))
            {
                SkipSpace();
                if (Peek() == '(')
                {
                    ParseLabelList();
                }
            }

            var right = ParseBinary(level + 1);
            left = new BinaryExpr(op, left, right, on, isBool);
        }

        return left;
    }

    private PromExpr ParseUnary()
    {
        SkipSpace();
        if (Peek() == '-')
        {
            _pos++;
            return new NegateExpr(ParseUnary());
        }

        if (Peek() == '+')
        {
            _pos++;
        }

        return ParsePrimary();
    }

    private PromExpr ParsePrimary()
    {
        SkipSpace();
        var c = Peek();
        if (c == '(')
        {
            _pos++;
            var inner = ParseBinary(0);
            Expect(')');
            return Suffixes(inner);
        }

        if (c is '"' or '\'')
        {
            return new StringExpr(ReadString());
        }

        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(PeekAt(1))))
        {
            return new NumberExpr(ReadNumber());
        }

        if (c == '{')
        {
            return Suffixes(new SelectorExpr(ParseMatchers(null)));
        }

        var name = ReadIdentifier() ?? throw new PromQlException($"1:{_pos + 1}: parse error: unexpected character: '{(c == '\0' ? "end of input" : c.ToString())}'");
        if (name is "Inf" or "inf" or "NaN" or "nan")
        {
            return new NumberExpr(name.StartsWith('N') || name.StartsWith('n') ? double.NaN : double.PositiveInfinity);
        }

        if (Aggregations.Contains(name))
        {
            SkipSpace();
            if (Peek() == '(' || IsKeywordAhead("by") || IsKeywordAhead("without"))
            {
                return ParseAggregation(name);
            }
        }

        SkipSpace();
        if (Peek() == '(')
        {
            _pos++;
            var args = new List<PromExpr>();
            SkipSpace();
            if (Peek() != ')')
            {
                do
                {
                    args.Add(ParseBinary(0));
                }
                while (TryChar(','));
            }

            Expect(')');
            return Suffixes(new CallExpr(name, args));
        }

        var matchers = Peek() == '{' ? ParseMatchers(name) : [new LabelMatcher("__name__", "=", name)];
        return Suffixes(new SelectorExpr(matchers));
    }

    private AggregateExpr ParseAggregation(string op)
    {
        var (without, grouping) = ParseGrouping();
        Expect('(');
        PromExpr? parameter = null;
        var inner = ParseBinary(0);
        if (TryChar(','))
        {
            parameter = inner;
            inner = ParseBinary(0);
        }

        Expect(')');
        if (grouping is null)
        {
            (without, grouping) = ParseGrouping();
        }

        return new AggregateExpr(op, without, grouping ?? [], parameter, inner);
    }

    private (bool Without, IReadOnlyList<string>? Labels) ParseGrouping()
    {
        if (TryKeyword("by"))
        {
            return (false, ParseLabelList());
        }

        return TryKeyword("without") ? (true, ParseLabelList()) : (false, null);
    }

    private List<string> ParseLabelList()
    {
        Expect('(');
        var labels = new List<string>();
        SkipSpace();
        while (Peek() != ')')
        {
            labels.Add(ReadIdentifier() ?? throw new PromQlException($"1:{_pos + 1}: parse error: expected label name"));
            if (!TryChar(','))
            {
                break;
            }

            SkipSpace();
        }

        Expect(')');
        return labels;
    }

    private List<LabelMatcher> ParseMatchers(string? metric)
    {
        Expect('{');
        var matchers = new List<LabelMatcher>();
        if (metric is not null)
        {
            matchers.Add(new LabelMatcher("__name__", "=", metric));
        }

        SkipSpace();
        while (Peek() != '}')
        {
            var label = ReadIdentifier() ?? throw new PromQlException($"1:{_pos + 1}: parse error: unexpected character inside braces: '{Peek()}'");
            SkipSpace();
            var op = TryOperator(["=~", "!~", "!=", "="]) ?? throw new PromQlException($"1:{_pos + 1}: parse error: expected label matching operator");
            SkipSpace();
            matchers.Add(new LabelMatcher(label, op, ReadString()));
            if (!TryChar(','))
            {
                break;
            }

            SkipSpace();
        }

        Expect('}');
        if (matchers.All(m => m.Op is "!=" or "!~" || (m.Op == "=~" && m.Value is ".*" or "")))
        {
            throw new PromQlException("vector selector must contain at least one non-empty matcher");
        }

        return matchers;
    }

    /// <summary>Range <c>[5m]</c>, subquery <c>[5m:1m]</c> and <c>offset 5m</c> are read and ignored (the simulator has one instant).</summary>
    private PromExpr Suffixes(PromExpr expr)
    {
        SkipSpace();
        if (Peek() == '[')
        {
            var close = _text.IndexOf(']', _pos);
            _pos = close < 0 ? throw new PromQlException("1: parse error: unclosed range") : close + 1;
        }

        if (TryKeyword("offset"))
        {
            SkipSpace();
            TryChar('-');
            while (_pos < _text.Length && char.IsAsciiLetterOrDigit(_text[_pos]))
            {
                _pos++;
            }
        }

        return expr;
    }

    private string ReadString()
    {
        SkipSpace();
        var quote = Peek();
        if (quote is not ('"' or '\'' or '`'))
        {
            throw new PromQlException($"1:{_pos + 1}: parse error: expected string");
        }

        _pos++;
        var builder = new System.Text.StringBuilder();
        while (_pos < _text.Length && _text[_pos] != quote)
        {
            if (_text[_pos] == '\\' && quote != '`' && _pos + 1 < _text.Length)
            {
                _pos++;
                builder.Append(_text[_pos] switch { 'n' => '\n', 't' => '\t', var e => e });
            }
            else
            {
                builder.Append(_text[_pos]);
            }

            _pos++;
        }

        Expect(quote);
        return builder.ToString();
    }

    private double ReadNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '.' || (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E')))
        {
            _pos++;
        }

        var token = _text[start.._pos];
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
            : throw new PromQlException($"1:{start + 1}: parse error: bad number or duration syntax: \"{token}\"");
    }

    private string? ReadIdentifier()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] is '_' or ':' || (_pos > start && char.IsAsciiDigit(_text[_pos]))))
        {
            _pos++;
        }

        return _pos > start ? _text[start.._pos] : null;
    }

    private string? TryOperator(string[] ops)
    {
        SkipSpace();
        foreach (var op in ops)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) != 0)
            {
                continue;
            }

            var word = char.IsAsciiLetter(op[0]);
            if (word && _pos + op.Length < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos + op.Length]) || _text[_pos + op.Length] == '_'))
            {
                continue;
            }

            // "=" must not eat the first character of "==" or "=~"; "<"/">" must not eat "<="/">=".
            if (op is "=" or "<" or ">" && _pos + 1 < _text.Length && _text[_pos + 1] is '=' or '~')
            {
                continue;
            }

            _pos += op.Length;
            return op;
        }

        return null;
    }

    private bool TryKeyword(string keyword)
    {
        if (!IsKeywordAhead(keyword))
        {
            return false;
        }

        SkipSpace();
        _pos += keyword.Length;
        return true;
    }

    private bool IsKeywordAhead(string keyword)
    {
        SkipSpace();
        var end = _pos + keyword.Length;
        return string.CompareOrdinal(_text, _pos, keyword, 0, keyword.Length) == 0
            && (end >= _text.Length || !(char.IsAsciiLetterOrDigit(_text[end]) || _text[end] is '_' or ':'));
    }

    private bool TryChar(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            return false;
        }

        _pos++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryChar(c))
        {
            throw new PromQlException($"1:{_pos + 1}: parse error: expected \"{c}\", got {(_pos < _text.Length ? $"\"{_text[_pos]}\"" : "end of input")}");
        }
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';
}
