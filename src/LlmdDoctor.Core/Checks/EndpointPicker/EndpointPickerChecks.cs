namespace LlmdDoctor.Core.Checks;

/// <summary>The checks that read direct conversations with Endpoint Pickers, sorted by name.</summary>
public static class EndpointPickerChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new EndpointPickerRejectsCheck(),  // epp.Conversation
        new EndpointPickerHealthCheck(),   // epp.Health
    ];
}
