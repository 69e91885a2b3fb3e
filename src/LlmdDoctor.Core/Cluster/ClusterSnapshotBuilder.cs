using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// Turns Kubernetes objects (as JSON, from the API server or a bundle) into a <see cref="ClusterSnapshot"/>.
/// Accepts single objects and <c>List</c>s; unknown kinds are ignored; an object that does not fit its
/// kind's shape is left out and recorded in <see cref="ClusterSnapshot.Problems"/> with where it came from.
/// </summary>
public sealed class ClusterSnapshotBuilder
{
    private readonly List<Namespace> _namespaces = [];
    private readonly List<GatewayClass> _gatewayClasses = [];
    private readonly List<Gateway> _gateways = [];
    private readonly List<HttpRoute> _routes = [];
    private readonly List<InferencePool> _pools = [];
    private readonly List<Service> _services = [];
    private readonly List<Pod> _pods = [];
    private readonly List<Deployment> _deployments = [];
    private readonly List<ConfigMap> _configMaps = [];
    private readonly List<SecretInfo> _secrets = [];
    private readonly List<LlmInferenceService> _llmisvcs = [];
    private readonly List<IstioControlPlane> _istios = [];
    private readonly List<EnvoyFilter> _envoyFilters = [];
    private readonly List<ServiceMonitor> _serviceMonitors = [];
    private readonly List<PodMonitor> _podMonitors = [];
    private readonly List<PrometheusServer> _prometheuses = [];
    private readonly List<PrometheusRule> _rules = [];
    private readonly List<GrafanaInstance> _grafanas = [];
    private readonly List<GrafanaDatasource> _datasources = [];
    private readonly List<GrafanaDashboard> _dashboards = [];
    private readonly List<string> _problems = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>Number of objects accepted (of known kinds).</summary>
    public int Count { get; private set; }

    /// <summary>Adds one object or a List of objects. <paramref name="origin"/> names where it came from (file, URL).</summary>
    public void Add(JsonNode? node, string origin)
    {
        if (node is not JsonObject obj)
        {
            if (node is not null)
            {
                _problems.Add($"{origin}: expected a Kubernetes object, found {node.GetValueKind()}");
            }

            return;
        }

        var kind = (string?)Str(obj, "kind") ?? "";
        if (obj["items"] is JsonArray items && (kind == "List" || kind.EndsWith("List", StringComparison.Ordinal)))
        {
            var itemKind = kind == "List" ? null : kind[..^4];
            var apiVersion = Str(obj, "apiVersion");
            foreach (var item in items)
            {
                if (item is JsonObject child && itemKind is not null)
                {
                    child["kind"] ??= itemKind;
                    if (apiVersion is not null)
                    {
                        child["apiVersion"] ??= apiVersion;
                    }
                }

                Add(item, origin);
            }

            return;
        }

        AddObject(obj, origin);
    }

    private void AddObject(JsonObject obj, string origin)
    {
        var apiVersion = Str(obj, "apiVersion") ?? "";
        var kind = Str(obj, "kind") ?? "";
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        var name = obj["metadata"] is JsonObject m ? Str(m, "name") : null;
        var ns = obj["metadata"] is JsonObject m2 ? Str(m2, "namespace") : null;
        var where = $"{origin}: {kind} {(ns is null ? "" : ns + "/")}{name}";

        if (kind == "Secret" && group == "")
        {
            // Keep name and type only; the data never enters the snapshot.
            obj.Remove("data");
            obj.Remove("stringData");
        }

        // The same object may appear twice (a bundle with overlapping files): keep the first.
        var identity = $"{apiVersion}|{kind}|{ns}|{name}";
        if (!_seen.Add(identity))
        {
            return;
        }

        StripNulls(obj);
        try
        {
            var known = (group, kind) switch
            {
                ("", "Namespace") => Read(obj, KubeJsonContext.Default.Namespace, _namespaces),
                ("gateway.networking.k8s.io", "GatewayClass") => Read(obj, KubeJsonContext.Default.GatewayClass, _gatewayClasses),
                ("gateway.networking.k8s.io", "Gateway") => Read(obj, KubeJsonContext.Default.Gateway, _gateways),
                ("gateway.networking.k8s.io", "HTTPRoute") => Read(obj, KubeJsonContext.Default.HttpRoute, _routes),
                (InferencePool.GroupV1, "InferencePool") => AddPoolV1(obj, apiVersion),
                (InferencePool.GroupV1Alpha2, "InferencePool") => AddPoolV1Alpha2(obj, apiVersion),
                ("", "Service") => Read(obj, KubeJsonContext.Default.Service, _services),
                ("", "Pod") => Read(obj, KubeJsonContext.Default.Pod, _pods),
                ("apps", "Deployment") => Read(obj, KubeJsonContext.Default.Deployment, _deployments),
                ("", "ConfigMap") => Read(obj, KubeJsonContext.Default.ConfigMap, _configMaps),
                ("", "Secret") => Read(obj, KubeJsonContext.Default.SecretInfo, _secrets),
                ("serving.kserve.io", "LLMInferenceService") => Read(obj, KubeJsonContext.Default.LlmInferenceService, _llmisvcs),
                ("sailoperator.io", "Istio") => Read(obj, KubeJsonContext.Default.IstioControlPlane, _istios),
                ("networking.istio.io", "EnvoyFilter") => Read(obj, KubeJsonContext.Default.EnvoyFilter, _envoyFilters),
                ("monitoring.coreos.com", "ServiceMonitor") => Read(obj, KubeJsonContext.Default.ServiceMonitor, _serviceMonitors),
                ("monitoring.coreos.com", "PodMonitor") => Read(obj, KubeJsonContext.Default.PodMonitor, _podMonitors),
                ("monitoring.coreos.com", "Prometheus") => Read(obj, KubeJsonContext.Default.PrometheusServer, _prometheuses),
                ("monitoring.coreos.com", "PrometheusRule") => Read(obj, KubeJsonContext.Default.PrometheusRule, _rules),
                ("grafana.integreatly.org", "Grafana") => Read(obj, KubeJsonContext.Default.GrafanaInstance, _grafanas),
                ("grafana.integreatly.org", "GrafanaDatasource") => Read(obj, KubeJsonContext.Default.GrafanaDatasource, _datasources),
                ("grafana.integreatly.org", "GrafanaDashboard") => Read(obj, KubeJsonContext.Default.GrafanaDashboard, _dashboards),
                _ => false,
            };
            if (known)
            {
                Count++;
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            _problems.Add($"{where}: {ex.Message}");
        }
    }

    /// <summary>Records a problem found outside the builder (a document that is not an object), shown with the others.</summary>
    public void NoteProblem(string problem) => _problems.Add(problem);

    public ClusterSnapshot Build() => new()
    {
        Namespaces = [.. _namespaces],
        GatewayClasses = [.. _gatewayClasses],
        Gateways = [.. _gateways],
        HttpRoutes = [.. _routes],
        InferencePools = [.. _pools],
        Services = [.. _services],
        Pods = [.. _pods],
        Deployments = [.. _deployments],
        ConfigMaps = [.. _configMaps],
        Secrets = [.. _secrets],
        LlmInferenceServices = [.. _llmisvcs],
        IstioControlPlanes = [.. _istios],
        EnvoyFilters = [.. _envoyFilters],
        ServiceMonitors = [.. _serviceMonitors],
        PodMonitors = [.. _podMonitors],
        PrometheusServers = [.. _prometheuses],
        PrometheusRules = [.. _rules],
        GrafanaInstances = [.. _grafanas],
        GrafanaDatasources = [.. _datasources],
        GrafanaDashboards = [.. _dashboards],
        Problems = [.. _problems],
    };

    private static bool Read<T>(JsonObject obj, JsonTypeInfo<T> type, List<T> into)
    {
        var value = obj.Deserialize(type) ?? throw new JsonException("empty object");
        into.Add(value);
        return true;
    }

    private bool AddPoolV1(JsonObject obj, string apiVersion)
    {
        var raw = obj.Deserialize(KubeJsonContext.Default.InferencePoolV1) ?? throw new JsonException("empty object");
        var picker = raw.Spec.EndpointPickerRef;
        _pools.Add(new InferencePool(
            raw.Metadata, InferencePool.GroupV1, VersionOf(apiVersion), raw.Spec.Selector,
            [.. raw.Spec.TargetPorts.Select(p => p.Number)],
            picker?.Kind is { Length: > 0 } k ? k : "Service", picker?.Name ?? "",
            picker?.Port?.Number ?? InferencePool.DefaultPickerPort,
            picker?.FailureMode ?? "FailClose",
            raw.Status.Parents));
        return true;
    }

    private bool AddPoolV1Alpha2(JsonObject obj, string apiVersion)
    {
        var raw = obj.Deserialize(KubeJsonContext.Default.InferencePoolV1Alpha2) ?? throw new JsonException("empty object");
        var ext = raw.Spec.ExtensionRef;
        _pools.Add(new InferencePool(
            raw.Metadata, InferencePool.GroupV1Alpha2, VersionOf(apiVersion), LabelSelector.FromMap(raw.Spec.Selector),
            raw.Spec.TargetPortNumber > 0 ? [raw.Spec.TargetPortNumber] : [],
            ext?.Kind is { Length: > 0 } k ? k : "Service", ext?.Name ?? "",
            ext?.PortNumber ?? InferencePool.DefaultPickerPort,
            ext?.FailureMode ?? "FailClose",
            raw.Status.Parent));
        return true;
    }

    private static string VersionOf(string apiVersion) => apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static string? Str(JsonObject obj, string key) =>
        obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>YAML's empty values arrive as nulls; the typed model uses empty collections instead.</summary>
    private static void StripNulls(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                {
                    o.Remove(key);
                }

                foreach (var (_, child) in o)
                {
                    StripNulls(child!);
                }

                break;
            case JsonArray a:
                for (var i = a.Count - 1; i >= 0; i--)
                {
                    if (a[i] is null)
                    {
                        a.RemoveAt(i);
                    }
                    else
                    {
                        StripNulls(a[i]!);
                    }
                }

                break;
        }
    }
}
