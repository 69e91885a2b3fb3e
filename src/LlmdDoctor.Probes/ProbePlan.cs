using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>Everything to probe in one cycle, grouped per gateway × model, and what could not be planned.</summary>
public sealed record ProbePlan(IReadOnlyList<ProbeGroup> Groups, IReadOnlyList<UnprobedTarget> Unprobed)
{
    public static ProbePlan Empty { get; } = new([], []);

    public IEnumerable<ProbeTarget> Targets => Groups.SelectMany(g => g.Targets);
}

/// <summary>
/// The probes of one model on one gateway listener: GET <c>/v1/models</c> first (its ids feed the POSTs), then
/// the POST probes, and the direct probe of the model Service when planned.
/// </summary>
public sealed record ProbeGroup
{
    public required string GatewayKey { get; init; }
    public required string BaseUrl { get; init; }
    public required string ApiPrefix { get; init; }

    /// <summary>How to reach the gateway (overrides, trust, credential).</summary>
    public required GatewayProbeOptions Options { get; init; }

    /// <summary>The configured model override for this gateway, if any: asked for regardless of the list.</summary>
    public string? ModelOverride { get; init; }

    /// <summary>The cluster's name for the model (LLMInferenceService / <c>--served-model-name</c>), if known.</summary>
    public string? ClusterModel { get; init; }

    public required ProbeTarget Models { get; init; }
    public IReadOnlyList<ProbeTarget> Inferences { get; init; } = [];
    public ProbeTarget? Direct { get; init; }

    /// <summary>Trust settings of the direct probe (the Service's TLS is not the gateway's).</summary>
    public GatewayProbeOptions DirectOptions { get; init; } = GatewayProbeOptions.Default;

    public IEnumerable<ProbeTarget> Targets => [Models, .. Inferences, .. Direct is null ? [] : new[] { Direct }];
}
