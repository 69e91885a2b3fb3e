namespace LlmdDoctor.Core.Checks;

/// <summary>The one sorted list of registered checks. Each area contributes its own list.</summary>
public static class CheckRegistry
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        .. ClusterChecks.All,
        .. EnvoyChecks.All,
        .. EndpointPickerChecks.All,
        .. ProbeChecks.All,
        .. MonitoringChecks.All,
        .. Sources.SourceChecks.All,
    ];
}
