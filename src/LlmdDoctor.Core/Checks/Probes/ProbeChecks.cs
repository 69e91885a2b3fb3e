using LlmdDoctor.Core.Checks.Probes;

namespace LlmdDoctor.Core.Checks;

/// <summary>The Probe checks, sorted by name.</summary>
public static class ProbeChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new ChatCompletionBodyLostCheck(),      // probes.ChatCompletion
        new EndpointPickerBypassedCheck(),      // probes.EndpointPickerInLoop
        new GatewayAuthRequiredCheck(),         // probes.GatewayAuth
        new GatewayProbeFailedCheck(),          // probes.GatewayProbe
        new NoHealthyUpstreamCheck(),           // probes.HealthyUpstream
        new ProbeSlowCheck(),                   // probes.Latency
        new ModelListFailingCheck(),            // probes.ModelList
        new ModelNameMismatchCheck(),           // probes.ModelName
        new InferenceRequestShedCheck(),        // probes.RequestShed
    ];
}
