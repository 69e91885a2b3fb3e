namespace LlmdDoctor.Core.Checks;

/// <summary>The Cluster checks, sorted by name.</summary>
public static class ClusterChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
    ];
}
