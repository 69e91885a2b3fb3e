using System.Security.Cryptography.X509Certificates;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>
/// How these tests start the simulator's API server (the one Kubernetes API the project's tests talk to): alone on
/// 127.0.0.1, with an llm-d cluster's CRDs installed and no objects yet, fault hooks attached but none switched on, no
/// token required until a test sets one.
/// </summary>
internal static class SimulatedApi
{
    /// <summary>The CRDs the client tests expect served: Gateway API, both InferencePool groups, KServe's two versions, Sail, Istio, prometheus-operator, grafana-operator.</summary>
    private static readonly ApiResource[] Crds =
    [
        new("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false),
        new("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true),
        new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true),
        new("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool", true),
        new("inference.networking.x-k8s.io", "v1alpha2", "inferencepools", "InferencePool", true),
        new("serving.kserve.io", "v1alpha1", "llminferenceservices", "LLMInferenceService", true),
        new("serving.kserve.io", "v1alpha2", "llminferenceservices", "LLMInferenceService", true),
        new("sailoperator.io", "v1", "istios", "Istio", false),
        new("networking.istio.io", "v1alpha3", "envoyfilters", "EnvoyFilter", true),
        new("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true),
        new("monitoring.coreos.com", "v1", "podmonitors", "PodMonitor", true),
        new("monitoring.coreos.com", "v1", "prometheuses", "Prometheus", true),
        new("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule", true),
        new("grafana.integreatly.org", "v1beta1", "grafanas", "Grafana", true),
        new("grafana.integreatly.org", "v1beta1", "grafanadatasources", "GrafanaDatasource", true),
        new("grafana.integreatly.org", "v1beta1", "grafanadashboards", "GrafanaDashboard", true),
    ];

    /// <param name="certificate">Serving certificate; null = plain HTTP.</param>
    /// <param name="intermediates">Sent after the leaf in the TLS handshake.</param>
    /// <param name="pods">What pods' ports answer through port-forward; default: nothing listens (connection refused).</param>
    public static async Task<ApiServerHost> StartAsync(X509Certificate2? certificate = null, X509Certificate2Collection? intermediates = null, PodPortResponder? pods = null)
    {
        var server = new SimulatedApiServer([], token: null, pods ?? ((_, _, _, _) => null)) { Faults = new ApiServerFaults() };
        foreach (var crd in Crds)
        {
            server.Install(crd);
        }

        return await ApiServerHost.StartAsync(server, certificate, intermediates);
    }

    /// <summary>The bearer tokens the server saw, in order (requests without one are left out).</summary>
    public static IEnumerable<string> BearerTokens(this ApiServerHost api) =>
        api.Server.Faults!.Requests.Select(r => r.Authorization).Where(a => a.StartsWith("Bearer ", StringComparison.Ordinal)).Select(a => a[7..]);

    public static void AddAll(this ApiServerHost api, IEnumerable<System.Text.Json.Nodes.JsonObject> objects)
    {
        foreach (var obj in objects)
        {
            api.Server.Add(obj);
        }
    }
}
