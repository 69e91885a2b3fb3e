using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// GET /v1/models (through the gateway, or directly on the model Service) answered but not with a usable list:
/// a non-2xx, an invalid body, or an empty <c>data</c>. Transport failures are <see cref="GatewayProbeFailedCheck"/>'s;
/// 401/403, 429 and no-healthy-upstream have their own codes.
/// </summary>
public sealed class ModelListFailingCheck : ICheck
{
    public string Name => "probes.ModelList";
    public string Description => "GET /v1/models probes that fail or list nothing";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ModelListFailing];

    public void Run(CheckContext context)
    {
        var probes = context.Inputs.Probes;
        foreach (var r in probes.Results.Where(r => r.Target.Kind.ListsModels() && !r.Success))
        {
            var c = r.Classification;
            if (c.Verdict is ProbeVerdict.NotRun or ProbeVerdict.TransportFailed or ProbeVerdict.AuthRequired
                or ProbeVerdict.RequestShed or ProbeVerdict.NoHealthyUpstream)
            {
                continue;
            }

            context.Report(FindingCatalog.ModelListFailing.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("detail", $"answered {ProbeEvidence.StatusText(r)}: {c.Detail} [layer {c.Layer}]{ProbeEvidence.DirectHint(probes, r)}"))));
        }
    }
}
