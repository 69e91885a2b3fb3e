using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Cluster;

/// <summary>Source-generated readers for the Kubernetes objects the doctor reads. Unknown fields are ignored.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    Converters = [typeof(LenientStringConverter)])]
[JsonSerializable(typeof(Gateway))]
[JsonSerializable(typeof(GatewayClass))]
[JsonSerializable(typeof(HttpRoute))]
[JsonSerializable(typeof(InferencePoolV1))]
[JsonSerializable(typeof(InferencePoolV1Alpha2))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(StatefulSet))]
[JsonSerializable(typeof(LeaderWorkerSet))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(SecretInfo))]
[JsonSerializable(typeof(LlmInferenceService))]
[JsonSerializable(typeof(IstioControlPlane))]
[JsonSerializable(typeof(EnvoyFilter))]
[JsonSerializable(typeof(ServiceMonitor))]
[JsonSerializable(typeof(PodMonitor))]
[JsonSerializable(typeof(PrometheusServer))]
[JsonSerializable(typeof(PrometheusRule))]
[JsonSerializable(typeof(GrafanaInstance))]
[JsonSerializable(typeof(GrafanaDatasource))]
[JsonSerializable(typeof(GrafanaDashboard))]
[JsonSerializable(typeof(OpenDataHubMonitoring))]
public sealed partial class KubeJsonContext : JsonSerializerContext
{
    /// <summary>A context like <see cref="JsonSerializerContext"/>'s default whose strings all come from <paramref name="pool"/>.</summary>
    public static KubeJsonContext Pooled(StringPool pool)
    {
        var options = new System.Text.Json.JsonSerializerOptions(Default.Options) { TypeInfoResolver = null };
        options.Converters.Insert(0, new LenientStringConverter(pool));
        return new KubeJsonContext(options);
    }
}
