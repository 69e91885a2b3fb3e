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

    /// <summary>Identity across cycles: the same code on the same subject for the same evidence key is one finding.</summary>
    public string Identity => $"{Code}|{Subject.Kind}|{Subject.Key}|{(Evidence.TryGetValue("route", out var r) ? r : "")}|{(Evidence.TryGetValue("probe", out var p) ? p : "")}";
}
