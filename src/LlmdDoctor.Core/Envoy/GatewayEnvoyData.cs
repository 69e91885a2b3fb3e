namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// Envoy admin data of one gateway pod, parsed into typed views. Checks read these views, never raw JSON.
/// </summary>
public sealed record GatewayEnvoyData(string GatewayNamespace, string GatewayName, string PodName)
{
    /// <summary>Why the dump could not be read, when it could not (truncated, too large, port-forward refused).</summary>
    public string? Problem { get; init; }
}
