namespace LlmdDoctor.Core.Findings;

/// <summary>How bad a finding is. Ordered so that a larger value is worse.</summary>
public enum Severity
{
    Info = 1,
    Warning = 2,
    Critical = 3,
}

/// <summary>Parsing and naming of <see cref="Severity"/> as the report and the CLI spell it.</summary>
public static class SeverityNames
{
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.Warning => "warning",
        Severity.Info => "info",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "critical": severity = Severity.Critical; return true;
            case "warning": severity = Severity.Warning; return true;
            case "info": severity = Severity.Info; return true;
            default: severity = default; return false;
        }
    }
}
