using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Reporting;

/// <summary>A suppression: a code, optionally only for one subject (<c>NS/NAME</c>, or <c>NAME</c> for cluster-scoped objects).</summary>
public sealed record Suppression(string Code, string? Namespace, string? Name)
{
    /// <summary>Parses <c>CODE</c> or <c>CODE=NS/NAME</c>; returns an error naming the bad part otherwise.</summary>
    public static bool TryParse(string text, out Suppression? suppression, out string error)
    {
        suppression = null;
        var parts = text.Split('=', 2);
        var code = parts[0].Trim().ToUpperInvariant();
        if (FindingCatalog.Find(code) is null)
        {
            error = $"'{text}': unknown finding code '{parts[0].Trim()}' (see llmd-doctor explain)";
            return false;
        }

        if (parts.Length == 1)
        {
            suppression = new Suppression(code, null, null);
            error = "";
            return true;
        }

        var target = parts[1].Trim();
        var slash = target.Split('/');
        if (target.Length == 0 || slash.Length > 2 || slash.Any(s => s.Length == 0))
        {
            error = $"'{text}': expected CODE or CODE=NAMESPACE/NAME";
            return false;
        }

        suppression = slash.Length == 2 ? new Suppression(code, slash[0], slash[1]) : new Suppression(code, null, slash[0]);
        error = "";
        return true;
    }

    public bool Matches(Finding finding) =>
        string.Equals(finding.Code, Code, StringComparison.OrdinalIgnoreCase)
        && (Name is null || (finding.Subject.Name == Name && (Namespace ?? "") == (finding.Subject.Namespace ?? "")));

    public override string ToString() => Name is null ? Code : $"{Code}={(Namespace is null ? "" : Namespace + "/")}{Name}";
}

/// <summary>User choices applied to findings before any output: severity overrides, then suppressions.</summary>
public sealed record ReportPolicy
{
    public static ReportPolicy None { get; } = new();

    public IReadOnlyDictionary<string, Severity> SeverityOverrides { get; init; } = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
    public IReadOnlyList<Suppression> Suppressions { get; init; } = [];

    public IReadOnlyList<Finding> Apply(IEnumerable<Finding> findings) =>
    [
        .. findings
            .Select(f => SeverityOverrides.TryGetValue(f.Code, out var s) ? f with { Severity = s } : f)
            .Where(f => !Suppressions.Any(s => s.Matches(f))),
    ];
}

/// <summary>The <c>--fail-on</c> threshold: exit 1 when a finding is at or above it.</summary>
public enum FailOn
{
    None = 0,
    Info = 1,
    Warning = 2,
    Critical = 3,
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int FindingsAtThreshold = 1;
    public const int UsageOrConfig = 2;
    public const int CouldNotRun = 3;

    public static bool TryParseFailOn(string? text, out FailOn failOn)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "critical": failOn = FailOn.Critical; return true;
            case "warning": failOn = FailOn.Warning; return true;
            case "info": failOn = FailOn.Info; return true;
            case "none": failOn = FailOn.None; return true;
            default: failOn = FailOn.Critical; return false;
        }
    }

    public static int For(IEnumerable<Severity> severities, FailOn failOn) =>
        failOn != FailOn.None && severities.Any(s => (int)s >= (int)failOn) ? FindingsAtThreshold : Ok;
}
