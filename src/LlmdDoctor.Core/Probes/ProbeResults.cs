namespace LlmdDoctor.Core.Probes;

/// <summary>The probe results of a cycle, per flow, with their recent history.</summary>
public sealed record ProbeResults
{
    public static ProbeResults Empty { get; } = new();
}
