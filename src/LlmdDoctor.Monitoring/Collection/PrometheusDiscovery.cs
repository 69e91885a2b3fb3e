using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>Which platform's Prometheus the doctor talks to.</summary>
public enum MonitoringPlatformKind
{
    /// <summary>A URL from the configuration.</summary>
    Configured,

    /// <summary>OpenShift: Thanos Querier in openshift-monitoring (web port 9091, bearer token, service CA).</summary>
    OpenShift,

    /// <summary>Plain Kubernetes with a Prometheus Operator <c>Prometheus</c> (e.g. kube-prometheus-stack).</summary>
    PrometheusOperator,
}

/// <summary>The Prometheus endpoint to query and how it was chosen.</summary>
public sealed record PrometheusTarget(MonitoringPlatformKind Kind, PrometheusSettings Settings, string Description);

/// <summary>
/// Chooses the Prometheus/Thanos endpoint: the configured URL, else on OpenShift
/// <c>https://thanos-querier.openshift-monitoring.svc:9091</c> with the pod's service-account token and the
/// service CA (domain-facts §6), else the <c>prometheus-operated</c> Service of a Prometheus Operator Prometheus
/// (preferring one in <c>llm-d-monitoring</c>).
/// </summary>
public static class PrometheusDiscovery
{
    public const string ThanosQuerierUrl = "https://thanos-querier.openshift-monitoring.svc:9091";

    /// <summary>OpenShift injects the service CA bundle next to the service-account token.</summary>
    public const string ServiceCaFile = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt";

    public const string PreferredMonitoringNamespace = "llm-d-monitoring";

    public static PrometheusTarget? Resolve(ClusterSnapshot snapshot, PrometheusSettings settings)
    {
        if (settings.Url is { } url)
        {
            var name = url.Host.StartsWith("thanos-querier", StringComparison.Ordinal) ? "Thanos Querier" : "Prometheus";
            return new PrometheusTarget(MonitoringPlatformKind.Configured, settings, $"{name} {Display(url)}");
        }

        if (!settings.Discover)
        {
            return null;
        }

        if (MonitorSelection.IsOpenShift(snapshot))
        {
            var thanos = settings with
            {
                Url = new Uri(ThanosQuerierUrl),
                Credential = settings.Credential.IsNone ? ApiCredential.BearerFromFile(ApiCredential.ServiceAccountTokenFile) : settings.Credential,
                CaFile = settings.CaFile ?? (settings.InsecureSkipVerify ? null : ServiceCaFile),
            };
            return new PrometheusTarget(MonitoringPlatformKind.OpenShift, thanos, $"Thanos Querier {ThanosQuerierUrl}");
        }

        var server = snapshot.PrometheusServers
            .OrderBy(p => p.Metadata.Ns == PreferredMonitoringNamespace ? 0 : 1)
            .ThenBy(p => p.Metadata.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (server is null)
        {
            return null;
        }

        var service = snapshot.FindService(server.Metadata.Ns, "prometheus-operated");
        var port = service?.Spec.Ports.FirstOrDefault(p => p.Name == "web")?.Port ?? 9090;
        var scheme = service?.Spec.Ports.Any(p => p.Name == "web" && p.AppProtocol == "https") == true ? "https" : "http";
        var target = new Uri($"{scheme}://prometheus-operated.{server.Metadata.Ns}.svc:{port}");
        return new PrometheusTarget(MonitoringPlatformKind.PrometheusOperator, settings with { Url = target },
            $"Prometheus {server.Metadata.Key} {Display(target)}");
    }

    /// <summary>A URL without user info, query or trailing slash: safe and short for evidence.</summary>
    public static string Display(Uri url) => url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
}
