using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Agent;

/// <summary>Adds to each report flow what the Envoy analysis and the probes know about it.</summary>
public sealed class FlowAnnotations : IFlowAnnotations
{
    private readonly DoctorInputs _inputs;
    private readonly GatewayEnvoyViews _envoy;

    private FlowAnnotations(DoctorInputs inputs)
    {
        _inputs = inputs;
        _envoy = GatewayEnvoyViews.Of(inputs.Envoy);
    }

    public static FlowAnnotations For(DoctorInputs inputs) => new(inputs);

    public string? EffectiveBodyMode(RequestFlow flow) => flow.IsPoolRoute ? _envoy.EffectiveBodyModeOf(flow) : null;

    public IReadOnlyList<ReportFlowProbe> Probes(RequestFlow flow) =>
        [.. _inputs.Probes.ForFlow(flow).Select(p => new ReportFlowProbe { Probe = p.Probe, Status = p.Status, Ms = p.Ms })];
}
