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

    public IReadOnlyList<ReportFlowPod>? Pods(RequestFlow flow)
    {
        var selector = flow.Pool is { } pool ? (pool.Metadata.Ns, pool.Selector)
            : flow.PrimaryBackend is { Kind: BackendKind.Service } b && _inputs.Cluster.FindService(b.Namespace, b.Name) is { Spec.Selector.Count: > 0 } svc
                ? (svc.Metadata.Ns, LabelSelector.FromMap(svc.Spec.Selector))
                : default;
        if (selector.Item2 is null || _inputs.StateOf(CheckInput.Pods).Status != InputStatus.Available)
        {
            return null;
        }

        return [.. _inputs.Cluster.PodsMatching(selector.Item1, selector.Item2)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => new ReportFlowPod { Name = p.Metadata.Name, Ready = p.IsReady })];
    }

    public IReadOnlyList<ReportFlowProbe> Probes(RequestFlow flow) =>
        [.. _inputs.Probes.ForFlow(flow).Select(p => new ReportFlowProbe { Probe = p.Probe, Status = p.Status, Ms = p.Ms })];
}
