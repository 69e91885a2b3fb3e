namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>A resource type the fake serves (and announces in discovery).</summary>
public sealed record FakeResource(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static List<FakeResource> Defaults() =>
    [
        new("", "v1", "namespaces", "Namespace", Namespaced: false),
        new("", "v1", "pods", "Pod"),
        new("", "v1", "services", "Service"),
        new("", "v1", "configmaps", "ConfigMap"),
        new("", "v1", "secrets", "Secret"),
        new("apps", "v1", "deployments", "Deployment"),
        new("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", Namespaced: false),
        new("gateway.networking.k8s.io", "v1", "gateways", "Gateway"),
        new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute"),
        new("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool"),
        new("inference.networking.x-k8s.io", "v1alpha2", "inferencepools", "InferencePool"),
        new("serving.kserve.io", "v1alpha1", "llminferenceservices", "LLMInferenceService"),
        new("serving.kserve.io", "v1alpha2", "llminferenceservices", "LLMInferenceService"),
        new("sailoperator.io", "v1", "istios", "Istio", Namespaced: false),
        new("networking.istio.io", "v1alpha3", "envoyfilters", "EnvoyFilter"),
        new("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor"),
        new("monitoring.coreos.com", "v1", "podmonitors", "PodMonitor"),
        new("monitoring.coreos.com", "v1", "prometheuses", "Prometheus"),
        new("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule"),
        new("grafana.integreatly.org", "v1beta1", "grafanas", "Grafana"),
        new("grafana.integreatly.org", "v1beta1", "grafanadatasources", "GrafanaDatasource"),
        new("grafana.integreatly.org", "v1beta1", "grafanadashboards", "GrafanaDashboard"),
    ];
}
