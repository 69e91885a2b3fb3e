using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0003 per gateway: a gateway pod's config dump (or stats) was collected but could not be read. The other
/// Envoy checks say nothing about such a gateway; this makes the gap visible instead of reading as healthy.
/// </summary>
public sealed class EnvoyAdminDataUnreadableCheck : ICheck
{
    public string Name => "envoy.AdminDataReadable";
    public string Description => "gateway pods whose Envoy config dump or stats could not be read";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.SourceUnavailable];

    public void Run(CheckContext context)
    {
        var views = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        foreach (var gateway in views.Gateways)
        {
            var pods = views.PodsOf(gateway);
            var dumpProblems = pods.Where(p => p.Problem is not null).Select(p => $"config_dump of pod {p.PodName}: {p.Problem}").ToList();
            var statsProblems = pods.Where(p => p.IsReadable && p.StatsProblem is not null).Select(p => $"stats of pod {p.PodName}: {p.StatsProblem}").ToList();
            if (dumpProblems.Count == 0 && statsProblems.Count == 0)
            {
                continue;
            }

            var affected = EnvoyChecks.All
                .Where(c => c != this && (dumpProblems.Count > 0 ? c.Inputs.Contains(CheckInput.EnvoyConfig) : c.Inputs.Contains(CheckInput.EnvoyStats)))
                .Select(c => c.Name);
            var scope = dumpProblems.Count == pods.Count ? "" : $" ({pods.Count - dumpProblems.Count} of {pods.Count} pods were read)";
            context.Report(FindingCatalog.SourceUnavailable.At(Subject.Gateway(pods[0].GatewayNamespace, pods[0].GatewayName),
                ("source", $"Envoy admin data of Gateway {gateway}"),
                ("reason", string.Join("; ", dumpProblems.Concat(statsProblems)) + scope),
                ("checks", string.Join(", ", affected)),
                ("gateway", gateway)));
        }
    }
}
