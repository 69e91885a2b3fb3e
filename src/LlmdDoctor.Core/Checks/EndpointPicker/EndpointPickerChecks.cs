namespace LlmdDoctor.Core.Checks;

/// <summary>The EndpointPicker checks, sorted by name.</summary>
public static class EndpointPickerChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
    ];
}
