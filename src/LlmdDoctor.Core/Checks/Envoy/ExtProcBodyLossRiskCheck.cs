using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0301: a route streams the request body FULL_DUPLEX_STREAMED with fail-open on an Envoy that then loses it.</summary>
public sealed class ExtProcBodyLossRiskCheck : ICheck
{
    public string Name => "envoy.ExtProcBodyLoss";
    public string Description => "gateway routes whose effective ext_proc mode loses the request body when the Endpoint Picker stream fails";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ExtProcBodyLossRisk];

    public void Run(CheckContext context)
    {
        foreach (var scanned in EnvoyRouteScan.Routes(context))
        {
            var issue = KnownExtProcIssues.All.FirstOrDefault(i =>
                i.MatchesConfig(scanned.Mode) && i.AffectsEnvoy(scanned.Pod.EnvoyVersion));
            if (issue is null)
            {
                continue;
            }

            context.Report(FindingCatalog.ExtProcBodyLossRisk.At(scanned.Gateway,
                ("gateway", scanned.Pod.GatewayKey),
                ("route", scanned.Route.Name),
                ("mode", scanned.Mode.EffectiveBodyMode),
                ("envoyVersion", scanned.EnvoyVersion),
                ("istioVersion", scanned.Pod.IstioVersion ?? "unknown"),
                ("eppCluster", scanned.Mode.EndpointPickerCluster ?? "unknown"),
                ("failOpen", scanned.Mode.FailOpenBasis),
                ("issue", issue.Id),
                ("upstreamFix", issue.FixStatus),
                ("pod", scanned.Pod.PodName)));
        }
    }
}
