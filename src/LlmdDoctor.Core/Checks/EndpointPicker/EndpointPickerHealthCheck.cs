using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0203 from the EPP's own gRPC health (port 9003; GIE cmd/epp/runner/health.go serves <c>liveness</c>,
/// <c>readiness</c> and <c>envoy.service.ext_proc.v3.ExternalProcessor</c>).
/// </summary>
public sealed class EndpointPickerHealthCheck : ICheck
{
    public string Name => "epp.Health";
    public string Description => "each Endpoint Picker answers SERVING on its gRPC health port for liveness, readiness and ext_proc";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EndpointPickerConversations];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EndpointPickerNotReady];

    public void Run(CheckContext context)
    {
        foreach (var epp in context.Inputs.EndpointPickers)
        {
            var bad = epp.Health.Where(h => !h.Serving).ToList();
            if (bad.Count == 0)
            {
                continue;
            }

            var detail = "gRPC health: " + string.Join("; ", bad.Select(h => $"{h.Service} {(h.Status ?? "no answer")}{(h.Error is null ? "" : $" ({h.Error})")}"));
            context.Report(FindingCatalog.EndpointPickerNotReady.At(
                Subject.Service(epp.PoolNamespace, epp.Service),
                ("epp", $"{epp.PoolNamespace}/{epp.Service}"),
                ("pool", $"{epp.PoolNamespace}/{epp.PoolName}"),
                ("port", "9003"),
                ("detail", detail)));
        }
    }
}
