using LlmdDoctor.Core.Checks;

namespace LlmdDoctor.Kubernetes;

/// <summary>One kind the live inventory lists, the optional API it lives in and the check input it feeds.</summary>
/// <param name="Input">The check input; null for kinds no input is named after (Secrets).</param>
/// <param name="Core">Built-in kinds are always served; discovery is only asked about the others.</param>
public sealed record InventoryKind(ApiRequest Api, CheckInput? Input, bool Core = false)
{
    /// <summary>Every kind the snapshot needs, in the order they are fed to the builder.</summary>
    public static IReadOnlyList<InventoryKind> All { get; } =
    [
        Builtin("", "v1", "namespaces", "Namespace", CheckInput.Namespaces),
        Optional("gateway.networking.k8s.io", ["v1"], "gatewayclasses", "GatewayClass", CheckInput.Gateways),
        Optional("gateway.networking.k8s.io", ["v1"], "gateways", "Gateway", CheckInput.Gateways),
        Optional("gateway.networking.k8s.io", ["v1"], "httproutes", "HTTPRoute", CheckInput.HttpRoutes),
        Optional("inference.networking.k8s.io", ["v1"], "inferencepools", "InferencePool", CheckInput.InferencePools),
        Optional("inference.networking.x-k8s.io", ["v1alpha2"], "inferencepools", "InferencePool", CheckInput.InferencePools),
        Builtin("", "v1", "services", "Service", CheckInput.Services),
        Builtin("", "v1", "pods", "Pod", CheckInput.Pods),
        Builtin("apps", "v1", "deployments", "Deployment", CheckInput.Deployments),
        Builtin("apps", "v1", "statefulsets", "StatefulSet", CheckInput.Deployments),
        Optional("leaderworkerset.x-k8s.io", ["v1"], "leaderworkersets", "LeaderWorkerSet", CheckInput.Deployments),
        Builtin("", "v1", "configmaps", "ConfigMap", CheckInput.ConfigMaps),
        Builtin("", "v1", "secrets", "Secret", null),
        Optional("serving.kserve.io", ["v1alpha2", "v1alpha1"], "llminferenceservices", "LLMInferenceService", CheckInput.LlmInferenceServices),
        Optional("sailoperator.io", ["v1"], "istios", "Istio", CheckInput.IstioVersion),
        Optional("networking.istio.io", ["v1alpha3"], "envoyfilters", "EnvoyFilter", CheckInput.EnvoyFilters),
        Optional("monitoring.coreos.com", ["v1"], "servicemonitors", "ServiceMonitor", CheckInput.Monitors),
        Optional("monitoring.coreos.com", ["v1"], "podmonitors", "PodMonitor", CheckInput.Monitors),
        Optional("monitoring.coreos.com", ["v1"], "prometheuses", "Prometheus", CheckInput.Monitors),
        Optional("monitoring.coreos.com", ["v1"], "prometheusrules", "PrometheusRule", CheckInput.PrometheusRules),
        Optional("services.platform.opendatahub.io", ["v1alpha1"], "monitorings", "Monitoring", CheckInput.Monitors),
        Optional("grafana.integreatly.org", ["v1beta1"], "grafanas", "Grafana", CheckInput.GrafanaObjects),
        Optional("grafana.integreatly.org", ["v1beta1"], "grafanadatasources", "GrafanaDatasource", CheckInput.GrafanaObjects),
        Optional("grafana.integreatly.org", ["v1beta1"], "grafanadashboards", "GrafanaDashboard", CheckInput.GrafanaObjects),
    ];

    /// <summary>
    /// ConfigMaps are not listed cluster-wide (they can be large and many): only these namespaces, where
    /// OpenShift keeps <c>cluster-monitoring-config</c> and <c>user-workload-monitoring-config</c>, plus every
    /// ConfigMap a GrafanaDashboard (<c>spec.configMapRef</c>) or a monitor endpoint (<c>tlsConfig</c> CA/cert) references.
    /// </summary>
    public static IReadOnlyList<string> ConfigMapNamespaces { get; } = ["openshift-monitoring", "openshift-user-workload-monitoring"];

    private static InventoryKind Builtin(string group, string version, string plural, string kind, CheckInput? input) =>
        new(new ApiRequest(group, [version], plural, kind), input, Core: true);

    private static InventoryKind Optional(string group, string[] versions, string plural, string kind, CheckInput input) =>
        new(new ApiRequest(group, versions, plural, kind), input);
}
