using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// 401/403 from a gateway. Without a configured probe credential it only means the doctor cannot see past
/// the gateway's auth policy (info, never critical); with one, the credential was refused (a probe failure).
/// Reported once per gateway: the cause is the gateway's policy, not each path.
/// </summary>
public sealed class GatewayAuthRequiredCheck : ICheck
{
    public string Name => "probes.GatewayAuth";
    public string Description => "probes answered 401/403, with or without a configured credential";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GatewayAuthRequired, FindingCatalog.GatewayProbeFailed];

    public void Run(CheckContext context)
    {
        var withCredential = context.Inputs.Settings.GatewaysWithCredential;
        var refused = context.Inputs.Probes.Results
            .Where(r => r.Classification.Verdict == ProbeVerdict.AuthRequired)
            .GroupBy(r => r.Target.GatewayKey, StringComparer.Ordinal);
        foreach (var gateway in refused)
        {
            var r = gateway.First();
            var subject = ProbeEvidence.SubjectOf(r);
            if (withCredential.Contains(r.Target.GatewayKey))
            {
                context.Report(FindingCatalog.GatewayProbeFailed.At(subject, ProbeEvidence.Of(r,
                    ("reason", "unauthorized"),
                    ("detail", $"the configured probe credential was refused: {r.Classification.Detail}"))));
            }
            else
            {
                context.Report(FindingCatalog.GatewayAuthRequired.At(subject, ProbeEvidence.Of(r,
                    ("detail", r.Classification.Detail))));
            }
        }
    }
}
