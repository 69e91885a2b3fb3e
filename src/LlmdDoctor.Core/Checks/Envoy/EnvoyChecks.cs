namespace LlmdDoctor.Core.Checks;

/// <summary>The Envoy checks, sorted by name.</summary>
public static class EnvoyChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
    ];
}
