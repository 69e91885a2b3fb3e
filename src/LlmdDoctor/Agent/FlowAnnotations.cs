using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Agent;

/// <summary>Adds to each report flow what the Envoy analysis and the probes know about it.</summary>
public sealed class FlowAnnotations : IFlowAnnotations
{
    private readonly DoctorInputs _inputs;

    private FlowAnnotations(DoctorInputs inputs) => _inputs = inputs;

    public static IFlowAnnotations For(DoctorInputs inputs) => new FlowAnnotations(inputs);

    public string? EffectiveBodyMode(RequestFlow flow) => null;

    public IReadOnlyList<ReportFlowProbe> Probes(RequestFlow flow) => [];

    internal DoctorInputs Inputs => _inputs;
}
