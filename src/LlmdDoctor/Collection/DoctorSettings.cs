using LlmdDoctor.Configuration;
using LlmdDoctor.Monitoring;
using LlmdDoctor.Probes;

namespace LlmdDoctor.Collection;

/// <summary>Maps the configuration file onto the settings of each collector.</summary>
public static class DoctorSettings
{
    /// <summary>Probe settings; credentials are resolved by the caller (they come from Secrets, read at run time).</summary>
    public static ProbeSettings Probes(DoctorConfig config, IReadOnlyDictionary<string, ProbeCredential> credentials, bool inCluster) => new()
    {
        Timeout = config.Probe.Timeout,
        MaxConcurrency = config.Probe.Concurrency,
        ExcerptBytes = config.Limits.MaxBodyBytes,
        ModelOverride = config.Probe.Model,
        ProbeModelServicesDirectly = config.Probe.Direct && inCluster,
        Gateways = config.Gateways.Overrides.ToDictionary(
            kv => kv.Key,
            kv => new GatewayProbeOptions
            {
                BaseUrl = kv.Value.Url,
                CaFile = kv.Value.CaFile,
                InsecureSkipVerify = kv.Value.InsecureSkipVerify,
                Credential = credentials.GetValueOrDefault(kv.Key),
            },
            StringComparer.Ordinal),
    };

    public static MonitoringSettings Monitoring(DoctorConfig config, string? prometheusToken, string? grafanaToken) => new()
    {
        Prometheus = config.Prometheus is { } p
            ? new PrometheusSettings
            {
                Url = new Uri(p.Url),
                Credential = prometheusToken is not null ? ApiCredential.Bearer(prometheusToken)
                    : p.TokenFile is not null ? ApiCredential.BearerFromFile(p.TokenFile) : ApiCredential.None,
                CaFile = p.CaFile,
                InsecureSkipVerify = p.InsecureSkipVerify,
                TokenSecret = p.TokenSecret is { } s ? $"{s.Namespace}/{s.Name}" : null,
            }
            : new PrometheusSettings(),
        Grafana = config.Grafana is { } g
            ? new ApiEndpointSettings
            {
                Url = new Uri(g.Url),
                Credential = grafanaToken is not null ? ApiCredential.Bearer(grafanaToken) : ApiCredential.None,
                CaFile = g.CaFile,
                InsecureSkipVerify = g.InsecureSkipVerify,
            }
            : null,
        Alertmanager = config.Alertmanager is { } a
            ? new ApiEndpointSettings
            {
                Url = new Uri(a.Url),
                Credential = a.TokenFile is not null ? ApiCredential.BearerFromFile(a.TokenFile) : ApiCredential.None,
                CaFile = a.CaFile,
                InsecureSkipVerify = a.InsecureSkipVerify,
            }
            : null,
        Timeout = config.Probe.Timeout,
    };
}
