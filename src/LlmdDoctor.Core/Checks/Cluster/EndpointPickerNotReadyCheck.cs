using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0203: the pool's Endpoint Picker Service is missing, has no ready pod, or does not serve the port the pool
/// names (GIE default 9002 when unset).
/// </summary>
public sealed class EndpointPickerNotReadyCheck : ICheck
{
    public string Name => "epp.Ready";
    public string Description => "each InferencePool's Endpoint Picker Service exists, serves the picker port and has ready pods";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.InferencePools, CheckInput.Services, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EndpointPickerNotReady];

    public void Run(CheckContext context)
    {
        // Published manifests hold no Pods: the Service and port can still be checked, pod readiness cannot.
        var podsCollected = context.Cluster.Pods.Count > 0;
        if (!podsCollected && context.Cluster.InferencePools.Count > 0)
        {
            context.Skip(ClusterSnapshot.NoPodsCollected);
        }

        // Both API groups of one pool name the same picker: report it once per picker Service.
        foreach (var pool in context.Cluster.InferencePools.DistinctBy(p => (p.Metadata.Ns, p.PickerName, p.PickerPort)))
        {
            if (pool.PickerKind != "Service")
            {
                continue;
            }

            var eppKey = $"{pool.Metadata.Ns}/{pool.PickerName}";
            var service = context.Cluster.FindService(pool.Metadata.Ns, pool.PickerName);
            string? detail = null;
            if (string.IsNullOrEmpty(pool.PickerName))
            {
                detail = "the pool names no Endpoint Picker (extensionRef / endpointPickerRef is empty)";
            }
            else if (service is null)
            {
                detail = "its Service does not exist";
            }
            else if (!service.Spec.Ports.Any(p => p.Port == pool.PickerPort))
            {
                detail = $"the pool sends ext_proc to port {pool.PickerPort} but the Service serves {string.Join(",", service.Spec.Ports.Select(p => $"{p.Name}:{p.Port}"))}";
            }
            else if (service.Spec.Selector.Count > 0 && podsCollected)
            {
                var pods = context.Cluster.PodsMatching(service.Metadata.Ns, LabelSelector.FromMap(service.Spec.Selector)).ToList();
                if (pods.Count == 0)
                {
                    detail = "its Service selects no pod";
                }
                else if (!pods.Any(p => p.IsReady))
                {
                    detail = $"none of its {pods.Count.ToString(CultureInfo.InvariantCulture)} pod(s) is ready";
                }
            }

            if (detail is not null)
            {
                context.Report(FindingCatalog.EndpointPickerNotReady.At(
                    Subject.Service(pool.Metadata.Ns, pool.PickerName.Length > 0 ? pool.PickerName : pool.Metadata.Name),
                    ("epp", eppKey),
                    ("pool", pool.Metadata.Key),
                    ("port", pool.PickerPort.ToString(CultureInfo.InvariantCulture)),
                    ("detail", detail)));
            }
        }
    }
}
