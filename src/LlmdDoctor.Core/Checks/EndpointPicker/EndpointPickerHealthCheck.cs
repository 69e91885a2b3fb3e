using System.Globalization;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0203 from the EPP's own gRPC health, asked on a port that exists (<see cref="EndpointPicker.EndpointPickerHealthTarget"/>).
/// GIE (cmd/epp/runner/health.go @v1.0.0, @v1.5.0) answers SERVING for any service name with leader election off;
/// with it on, <c>liveness</c>, <c>readiness</c> and <c>envoy.service.ext_proc.v3.ExternalProcessor</c> by state and
/// SERVICE_UNKNOWN for other names — an unknown name is not a failure of the EPP. NOT_SERVING and no answer are.
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
            if (epp.HealthSkipped is { } skipped)
            {
                context.Skip(skipped);
                continue;
            }

            if (epp.Health.Count > 0 && epp.Health.All(h => h.Unknown))
            {
                context.Skip($"Endpoint Picker {epp.PoolNamespace}/{epp.Service} knows none of the health services asked ({string.Join(", ", epp.Health.Select(h => h.Service))})");
                continue;
            }

            var bad = epp.Health.Where(h => !h.Serving && !h.Unknown).ToList();
            if (bad.Count == 0)
            {
                continue;
            }

            var detail = "gRPC health: " + string.Join("; ", bad.Select(h => $"{h.Service} {(h.Status ?? "no answer")}{(h.Error is null ? "" : $" ({h.Error})")}"));
            context.Report(FindingCatalog.EndpointPickerNotReady.At(
                Subject.Service(epp.PoolNamespace, epp.Service),
                ("epp", $"{epp.PoolNamespace}/{epp.Service}"),
                ("pool", $"{epp.PoolNamespace}/{epp.PoolName}"),
                ("port", epp.HealthPort.ToString(CultureInfo.InvariantCulture)),
                ("target", epp.HealthTarget),
                ("detail", detail)));
        }
    }
}
