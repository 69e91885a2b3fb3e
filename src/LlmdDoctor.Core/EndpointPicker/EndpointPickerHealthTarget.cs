using System.Globalization;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.EndpointPicker;

/// <summary>
/// Where the gRPC health of one Endpoint Picker can be asked: a Service port that exists for it, else a ready EPP
/// pod's container port; or why it cannot be asked at all.
/// </summary>
/// <param name="Service">The EPP Service, when its port is the target.</param>
/// <param name="PodName">The EPP pod, when its container port is the target (the Service does not expose health).</param>
/// <param name="PodIp">That pod's IP (health is plaintext gRPC on the pod).</param>
/// <param name="Port">The health port.</param>
/// <param name="SkipReason">Why no health port exists, when none does.</param>
public sealed record EndpointPickerHealthTarget(string? Service, string? PodName, string? PodIp, int Port, string? SkipReason)
{
    /// <summary>GIE's default gRPC health port (<c>--grpc-health-port</c>, cmd/epp/runner/runner.go @v1.0.0).</summary>
    public const int DefaultHealthPort = 9003;

    /// <summary>Port names the EPP's health port goes by (GIE's Deployment and KServe's Service call it <c>grpc-health</c>).</summary>
    private static readonly string[] HealthPortNames = ["grpc-health", "health"];

    public bool CanAsk => SkipReason is null;

    /// <summary>
    /// GIE's Helm chart puts 9003 only on the EPP container, not on its Service, which exposes 9002 grpc-ext-proc and
    /// 9090 http-metrics (config/charts/inferencepool/templates/epp-service.yaml and epp-deployment.yaml @v1.0.0);
    /// KServe's EPP Service adds grpc-health 9003. So: a Service port named or numbered for health, else the
    /// container port of a ready EPP pod, else nothing to dial.
    /// </summary>
    public static EndpointPickerHealthTarget For(ClusterSnapshot cluster, InferencePool pool)
    {
        var ns = pool.Metadata.Ns;
        var service = cluster.FindService(ns, pool.PickerName);
        if (service?.Spec.Ports.FirstOrDefault(IsHealthPort) is { } servicePort)
        {
            return new EndpointPickerHealthTarget(service.Metadata.Name, null, null, servicePort.Port, null);
        }

        var pods = service is { Spec.Selector.Count: > 0 }
            ? cluster.PodsMatching(ns, LabelSelector.FromMap(service.Spec.Selector)).ToList()
            : [];
        var pod = pods.Where(p => p.IsReady && !string.IsNullOrEmpty(p.Status.PodIP))
            .Select(p => (Pod: p, Port: p.Spec.Containers.SelectMany(c => c.Ports).FirstOrDefault(IsHealthPort)))
            .Where(x => x.Port is not null)
            .OrderBy(x => x.Pod.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (pod.Pod is not null)
        {
            return new EndpointPickerHealthTarget(null, pod.Pod.Metadata.Name, pod.Pod.Status.PodIP, pod.Port!.ContainerPort, null);
        }

        var exposed = service is null ? "does not exist"
            : $"exposes {(service.Spec.Ports.Count == 0 ? "no port" : string.Join(",", service.Spec.Ports.Select(p => $"{p.Name}:{p.Port.ToString(CultureInfo.InvariantCulture)}")))}";
        var podsSaid = pods.Count == 0 ? "no EPP pod is in the inventory"
            : pods.Any(p => p.IsReady) ? "no ready EPP pod declares a gRPC health container port"
            : "no EPP pod is ready";
        return new EndpointPickerHealthTarget(null, null, null, 0,
            $"Endpoint Picker {ns}/{pool.PickerName}: no gRPC health port to ask (the Service {exposed}; {podsSaid})");
    }

    private static bool IsHealthPort(ServicePort port) =>
        (port.Name is { } name && HealthPortNames.Contains(name, StringComparer.Ordinal)) || port.Port == DefaultHealthPort;

    private static bool IsHealthPort(ContainerPortSpec port) =>
        (port.Name is { } name && HealthPortNames.Contains(name, StringComparer.Ordinal)) || port.ContainerPort == DefaultHealthPort;
}
