using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0101: a Gateway that is not Accepted/Programmed, has no address, or whose pods are not ready.</summary>
public sealed class GatewayNotReadyCheck : ICheck
{
    public string Name => "gateway.Ready";
    public string Description => "Gateways are Accepted and Programmed, have an address and ready pods";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Gateways, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GatewayNotReady];

    public void Run(CheckContext context)
    {
        foreach (var gateway in context.Cluster.Gateways)
        {
            var reasons = new List<string>();
            foreach (var type in new[] { "Accepted", "Programmed" })
            {
                var condition = gateway.Status.Conditions.Find(type);
                if (condition is null)
                {
                    reasons.Add($"no {type} condition (no controller has reconciled it)");
                }
                else if (!condition.IsTrue)
                {
                    reasons.Add($"{type}={condition.Status} ({condition.Reason}: {condition.Message})");
                }
            }

            if (gateway.Status.Addresses.Count == 0)
            {
                reasons.Add("status.addresses is empty");
            }

            var pods = context.Cluster.GatewayPods(gateway).ToList();
            if (pods.Count == 0)
            {
                reasons.Add($"no pods labelled {ClusterSnapshot.GatewayNameLabel}={gateway.Metadata.Name}");
            }
            else if (!pods.Any(p => p.IsReady))
            {
                reasons.Add($"none of its {pods.Count} pod(s) is ready ({string.Join(", ", pods.Select(p => $"{p.Metadata.Name} {p.Status.Phase}"))})");
            }

            if (reasons.Count > 0)
            {
                context.Report(FindingCatalog.GatewayNotReady.At(
                    Subject.Gateway(gateway.Metadata.Ns, gateway.Metadata.Name),
                    ("gateway", gateway.Metadata.Key),
                    ("reason", string.Join("; ", reasons)),
                    ("pods", pods.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("readyPods", pods.Count(p => p.IsReady).ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }
        }
    }
}
