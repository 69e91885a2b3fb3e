using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0205: a direct ext_proc conversation with the Endpoint Picker fails, gets an ImmediateResponse, picks no
/// endpoint, or picks one that is not a ready pod of the pool (GIE pkg/epp/handlers: the EPP answers errors with
/// ImmediateResponse 429/503/500/400/404 and a body "inference gateway: &lt;Code&gt; - &lt;Msg&gt;").
/// </summary>
public sealed class EndpointPickerRejectsCheck : ICheck
{
    public string Name => "epp.Conversation";
    public string Description => "a direct ext_proc conversation with each Endpoint Picker picks a ready pod of its pool";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EndpointPickerConversations, CheckInput.InferencePools, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EndpointPickerRejects];

    public void Run(CheckContext context)
    {
        foreach (var epp in context.Inputs.EndpointPickers)
        {
            if (epp.Conversation is not { } c)
            {
                continue;
            }

            var detail = Problem(context.Cluster, epp, c);
            if (detail is null)
            {
                continue;
            }

            context.Report(FindingCatalog.EndpointPickerRejects.At(
                Subject.Service(epp.PoolNamespace, epp.Service),
                ("epp", $"{epp.PoolNamespace}/{epp.Service}"),
                ("pool", $"{epp.PoolNamespace}/{epp.PoolName}"),
                ("detail", detail),
                ("address", epp.Address),
                ("mode", c.Mode),
                ("status", c.ImmediateStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? c.GrpcStatus ?? c.Failure ?? "")));
        }
    }

    private static string? Problem(ClusterSnapshot cluster, EndpointPickerObservation epp, EndpointPickerConversation c)
    {
        if (c.ImmediateStatus is { } status)
        {
            return $"answered ImmediateResponse {status}: {c.ImmediateBody}";
        }

        if (c.Failure is { Length: > 0 } || c.GrpcStatus is { Length: > 0 } and not "OK")
        {
            return $"the ext_proc stream failed ({c.Failure ?? c.GrpcStatus}): {c.Error}";
        }

        if (string.IsNullOrEmpty(c.PickedEndpoint))
        {
            return "the conversation ended without x-gateway-destination-endpoint or envoy.lb metadata: no endpoint picked";
        }

        if (c.Body is "Missing" or "Incomplete" or "Different" or "Cleared")
        {
            return $"picked {c.PickedEndpoint} but the request body came back {c.Body}";
        }

        var pools = cluster.FindPools(epp.PoolNamespace, epp.PoolName).ToList();
        if (pools.Count == 0)
        {
            return null;
        }

        var ready = pools.SelectMany(p => cluster.PodsMatching(p.Metadata.Ns, p.Selector)
                .Where(pod => pod.IsReady && pod.Status.PodIP is not null)
                .SelectMany(pod => p.TargetPorts.Select(port => $"{pod.Status.PodIP}:{port}")))
            .ToHashSet(StringComparer.Ordinal);
        return ready.Contains(c.PickedEndpoint)
            ? null
            : $"picked {c.PickedEndpoint}, which is not a ready pod of the pool (ready: {(ready.Count == 0 ? "none" : string.Join(", ", ready.Order(StringComparer.Ordinal)))})";
    }
}
