using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0101: a Gateway that its implementation does not call ready — Accepted/Programmed not True for the current
/// generation, no address — or whose Envoy pods, found by that implementation's conventions
/// (<see cref="GatewayProxies"/>), are all not ready. The Gateway's own status is the implementation's word and is
/// read first: pods that cannot be found for a Programmed gateway are not a fault. A manifest that no controller
/// ever wrote a status for is a skip, not a verdict.
/// </summary>
public sealed class GatewayNotReadyCheck : ICheck
{
    public string Name => "gateway.Ready";
    public string Description => "Gateways are Accepted and Programmed for their current generation, have an address, and their Envoy pods are ready";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Gateways, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GatewayNotReady];

    public void Run(CheckContext context)
    {
        foreach (var gateway in context.Cluster.Gateways)
        {
            var status = gateway.Status;
            if (status.Conditions.Count == 0 && status.Addresses.Count == 0 && !gateway.Metadata.IsFromApiServer())
            {
                context.Skip($"Gateway {gateway.Metadata.Key} is a manifest without status (no controller wrote one): its readiness was not collected");
                continue;
            }

            var reasons = new List<string>();
            var programmed = false;
            foreach (var type in new[] { "Accepted", "Programmed" })
            {
                var condition = status.Conditions.Find(type);
                if (condition is null)
                {
                    reasons.Add($"no {type} condition (no controller has reconciled it)");
                }
                else if (!condition.IsTrue)
                {
                    reasons.Add($"{type}={condition.Status} ({condition.Reason}: {condition.Message})");
                }
                else if (Stale(gateway, condition) is { } stale)
                {
                    reasons.Add($"{type} is for generation {stale} but the Gateway is at generation {gateway.Metadata.Generation} (not reconciled since its last change)");
                }
                else
                {
                    programmed |= type == "Programmed";
                }
            }

            if (status.Addresses.Count == 0)
            {
                reasons.Add("status.addresses is empty");
            }

            var proxies = GatewayProxies.Of(context.Cluster, gateway);
            var pods = proxies.Pods;
            if (pods.Count == 0 && !programmed)
            {
                reasons.Add($"no Envoy pods found ({proxies.Looked})");
            }
            else if (pods.Count == 0)
            {
                context.Skip($"Gateway {gateway.Metadata.Key} is Programmed but its Envoy pods were not found ({proxies.Looked}): readiness taken from its status alone");
            }
            else if (!pods.Any(p => p.IsReady))
            {
                reasons.Add($"none of its {pods.Count.ToString(CultureInfo.InvariantCulture)} pod(s) is ready ({string.Join(", ", pods.Select(p => $"{p.Metadata.Name} {p.Status.Phase}"))})");
            }

            if (reasons.Count > 0)
            {
                context.Report(FindingCatalog.GatewayNotReady.At(
                    Subject.Gateway(gateway.Metadata.Ns, gateway.Metadata.Name),
                    ("gateway", gateway.Metadata.Key),
                    ("reason", string.Join("; ", reasons)),
                    ("deployment", proxies.Deployment.ToString()),
                    ("pods", pods.Count.ToString(CultureInfo.InvariantCulture)),
                    ("readyPods", pods.Count(p => p.IsReady).ToString(CultureInfo.InvariantCulture))));
            }
        }
    }

    /// <summary>The condition's observedGeneration when it is older than the object's generation (both known).</summary>
    private static long? Stale(Gateway gateway, Condition condition) =>
        condition.ObservedGeneration is { } observed && gateway.Metadata.Generation is { } generation && observed < generation ? observed : null;
}
