using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// A POST on an InferencePool route succeeded but the answer lacks <c>x-went-into-resp-headers: true</c>, which
/// GIE's EPP adds when it processes the response headers (pkg/epp/handlers/response.go, v1.0.0): the request
/// went around the Endpoint Picker (ext_proc fail-open, or routed to a Service). A warning, not critical:
/// an EPP older than that header also lacks it.
/// </summary>
public sealed class EndpointPickerBypassedCheck : ICheck
{
    private const string PickerHeader = "x-went-into-resp-headers";

    public string Name => "probes.EndpointPickerInLoop";
    public string Description => "successful POST probes on InferencePool routes that show no Endpoint Picker response header";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EndpointPickerBypassed];

    public void Run(CheckContext context)
    {
        foreach (var r in context.Inputs.Probes.Results)
        {
            if (!r.Success || !r.Target.Kind.IsInference() || !r.Target.ViaInferencePool || r.Header(PickerHeader).Length > 0)
            {
                continue;
            }

            var seen = string.Join(", ", r.Headers.Where(h => h.Key != "content-type").Select(h => $"{h.Key}: {h.Value}"));
            context.Report(FindingCatalog.EndpointPickerBypassed.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("detail", $"no {PickerHeader} response header (got {(seen.Length > 0 ? seen : "no path headers")})"))));
        }
    }
}
