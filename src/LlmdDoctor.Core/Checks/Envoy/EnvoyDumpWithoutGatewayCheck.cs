using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0104 (info): an Envoy config dump in the source whose pod maps to no Gateway of the inventory (a bundle
/// holding only dumps, a sidecar or waypoint dump, a gateway whose objects were not collected). The dump is not
/// dropped: the Envoy checks still analyse its ext_proc config under the pod's own namespace and name, and this
/// finding says so, so a report about "Gateway ns/pod" is not taken for a Gateway object.
/// </summary>
public sealed class EnvoyDumpWithoutGatewayCheck : ICheck
{
    public string Name => "envoy.DumpMapsToGateway";
    public string Description => "every Envoy config dump belongs to a Gateway of the inventory";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig, CheckInput.Gateways];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EnvoyDumpWithoutGateway];

    public void Run(CheckContext context)
    {
        var cluster = context.Cluster;
        foreach (var pod in context.Inputs.Envoy)
        {
            if (cluster.FindGateway(pod.GatewayNamespace, pod.GatewayName) is not null)
            {
                continue;
            }

            var filters = pod.IsReadable ? pod.ExtProcFilters.Count : 0;
            var detail = cluster.Gateways.Count == 0
                ? "the source holds no Gateway object"
                : $"none of the {cluster.Gateways.Count} Gateway(s) in the inventory is served by it (Istio automated or manual deployment, Envoy Gateway)";
            detail += filters > 0
                ? $"; its {filters} ext_proc filter(s) are analysed under the name {pod.GatewayNamespace}/{pod.GatewayName}"
                : "; it holds no ext_proc filter, so nothing on the inference path is read from it";
            context.Report(FindingCatalog.EnvoyDumpWithoutGateway.At(new Subject("", "Pod", pod.GatewayNamespace, pod.PodName),
                ("pod", $"{pod.GatewayNamespace}/{pod.PodName}"), ("detail", detail)));
        }
    }
}
