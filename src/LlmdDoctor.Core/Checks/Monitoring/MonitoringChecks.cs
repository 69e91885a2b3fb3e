namespace LlmdDoctor.Core.Checks;

/// <summary>The Monitoring checks, sorted by name.</summary>
public static class MonitoringChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
    ];
}
