using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0801: a known ext_proc issue (<see cref="KnownExtProcIssues"/>) matches a gateway's Envoy version and routes; one finding per gateway and issue.</summary>
public sealed class ExtProcKnownIssueCheck : ICheck
{
    public string Name => "envoy.KnownIssues";
    public string Description => "version-aware known ext_proc issues matching a gateway's Envoy/Istio and its routes";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.KnownIssue];

    public void Run(CheckContext context)
    {
        var matches = new SortedDictionary<(string Gateway, string Issue), (ScannedRoute First, KnownExtProcIssue Issue, List<string> Routes)>();
        foreach (var scanned in EnvoyRouteScan.Routes(context))
        {
            if (scanned.Pod.EnvoyVersion is not { } version)
            {
                continue;
            }

            foreach (var issue in KnownExtProcIssues.All.Where(i => i.AffectsEnvoy(version) && i.MatchesConfig(scanned.Mode)))
            {
                var key = (scanned.Pod.GatewayKey, issue.Id);
                if (!matches.TryGetValue(key, out var entry))
                {
                    matches[key] = entry = (scanned, issue, []);
                }

                entry.Routes.Add(scanned.Route.Name);
            }
        }

        foreach (var ((gateway, _), (first, issue, routes)) in matches)
        {
            var pod = first.Pod;
            context.Report(FindingCatalog.KnownIssue.At(first.Gateway,
                ("issue", issue.Id),
                ("detail", $"{issue.Summary}; Gateway {gateway} runs Envoy {pod.EnvoyVersion} ({pod.EnvoyVersionSource}), affected: {issue.AffectedReleases}; remedy: {issue.Remedy}"),
                ("gateway", gateway),
                ("routes", EnvoyRouteScan.Join(routes)),
                ("envoyVersion", pod.EnvoyVersion?.ToString()),
                ("istioVersion", pod.IstioVersion ?? "unknown"),
                ("fixedInEnvoy", issue.FixedInEnvoy.ToString()),
                ("upstreamFix", issue.FixStatus),
                ("sources", string.Join(" ", issue.Sources))));
        }
    }
}
