namespace LlmdDoctor.Core.Checks;

/// <summary>The Probe checks, sorted by name.</summary>
public static class ProbeChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
    ];
}
