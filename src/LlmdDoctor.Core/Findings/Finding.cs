namespace LlmdDoctor.Core.Findings;

/// <summary>A problem a check found: what (code), where (subject), why (message and evidence).</summary>
public sealed record Finding(
    FindingDefinition Definition,
    Subject Subject,
    string Message,
    IReadOnlyDictionary<string, string> Evidence)
{
    public string Code => Definition.Code;

    /// <summary>Effective severity: the catalog default unless a user override changed it.</summary>
    public Severity Severity { get; init; } = Definition.DefaultSeverity;

    /// <summary>The check that reported it (set by the runner).</summary>
    public string Check { get; init; } = "";

    public DateTimeOffset FirstSeen { get; init; }
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>
    /// Evidence that tells apart several findings of one code on one subject (a route, a probe, a known issue, a
    /// route rule or alert rule, a route parent). Evidence that changes while the problem stays (counts, detail,
    /// status) is not part of it.
    /// </summary>
    public static IReadOnlyList<string> IdentityKeys { get; } = ["route", "probe", "issue", "rule", "parent"];

    /// <summary>Identity across cycles: the same code on the same subject with the same <see cref="IdentityKeys"/> evidence is one finding.</summary>
    public string Identity => $"{Code}|{Subject.Kind}|{Subject.Key}|{string.Join("|", IdentityKeys.Select(k => Evidence.TryGetValue(k, out var v) ? v : ""))}";
}
