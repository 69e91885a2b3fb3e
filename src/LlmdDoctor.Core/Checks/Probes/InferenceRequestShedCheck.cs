using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>429 from the EPP (InferencePoolResourceExhausted), the model server, or a gateway rate limit.</summary>
public sealed class InferenceRequestShedCheck : ICheck
{
    public string Name => "probes.RequestShed";
    public string Description => "probes answered 429: the request was shed by the EPP, the model server or a rate limit";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.InferenceRequestShed];

    public void Run(CheckContext context)
    {
        foreach (var r in context.Inputs.Probes.Results.Where(r => r.Classification.Verdict == ProbeVerdict.RequestShed))
        {
            context.Report(FindingCatalog.InferenceRequestShed.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("detail", $"{r.Classification.Detail} [layer {r.Classification.Layer}]"))));
        }
    }
}
