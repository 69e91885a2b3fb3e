using System.Text.RegularExpressions;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>
/// Makes a Grafana panel query evaluable: interval macros (<c>$__rate_interval</c>, <c>$__interval</c>,
/// <c>$__range</c>) become <c>5m</c>, and a label matcher whose value uses a template variable matches any
/// value. A query that still has a <c>$</c> after that is not evaluated.
/// </summary>
public static partial class DashboardQueryTemplating
{
    public const string IntervalSubstitute = "5m";

    public static string? Substitute(string expr)
    {
        var text = IntervalMacro().Replace(expr, IntervalSubstitute);
        text = VariableMatcher().Replace(text, m => $"{m.Groups["label"].Value}=~\".*\"");
        return text.Contains('$', StringComparison.Ordinal) ? null : text;
    }

    [GeneratedRegex(@"\$\{?__(rate_interval|interval|range)(_ms|_s)?\}?")]
    private static partial Regex IntervalMacro();

    [GeneratedRegex("(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"[^\"]*\\$[^\"]*\"")]
    private static partial Regex VariableMatcher();
}
