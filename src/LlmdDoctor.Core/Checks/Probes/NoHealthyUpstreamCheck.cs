using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// Nowhere to send the request: Envoy's 503 "no healthy upstream", or the EPP's ImmediateResponse 503
/// "failed to find candidate pods…" / 500 "no pods available…" (GIE pkg/epp/handlers, domain-facts §3.1).
/// </summary>
public sealed class NoHealthyUpstreamCheck : ICheck
{
    public string Name => "probes.HealthyUpstream";
    public string Description => "probes answered no healthy upstream / no candidate pods";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.NoHealthyUpstream];

    public void Run(CheckContext context)
    {
        var probes = context.Inputs.Probes;
        foreach (var r in probes.Results.Where(r => r.Classification.Verdict == ProbeVerdict.NoHealthyUpstream))
        {
            context.Report(FindingCatalog.NoHealthyUpstream.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("detail", $"{r.Classification.Detail} [layer {r.Classification.Layer}]{ProbeEvidence.DirectHint(probes, r)}"))));
        }
    }
}
