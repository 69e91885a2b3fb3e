using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// Turns Kubernetes objects (as JSON, from the API server or a bundle) into a <see cref="ClusterSnapshot"/>.
/// Accepts single objects and <c>List</c>s; unknown kinds are ignored; an object that does not fit its
/// kind's shape is left out and recorded in <see cref="ClusterSnapshot.Problems"/> with where it came from.
/// An object of a namespaced kind without <c>metadata.namespace</c> is placed in the default namespace, as
/// <c>kubectl apply</c> would place it; cluster-scoped kinds keep no namespace. Of an object present twice, the
/// copy with a status wins, then the newer resourceVersion, else the first; the ignored copy is named in Problems.
/// </summary>
/// <param name="defaultNamespace">Where namespaced objects without a namespace live (kubectl's default: <c>default</c>).</param>
public sealed class ClusterSnapshotBuilder(string defaultNamespace = ClusterSnapshotBuilder.DefaultNamespace)
{
    public const string DefaultNamespace = "default";

    /// <summary>
    /// The cluster-scoped kinds among those the doctor reads or meets in bundles; every other kind is namespaced.
    /// sailoperator.io Istio is cluster-scoped (<c>+kubebuilder:resource:scope=Cluster</c> in sail-operator api/v1).
    /// </summary>
    private static readonly HashSet<(string Group, string Kind)> ClusterScoped =
    [
        ("", "Namespace"), ("", "Node"), ("", "PersistentVolume"),
        ("gateway.networking.k8s.io", "GatewayClass"),
        ("sailoperator.io", "Istio"), ("sailoperator.io", "IstioRevision"), ("sailoperator.io", "IstioCNI"), ("sailoperator.io", "ZTunnel"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"), ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("storage.k8s.io", "StorageClass"), ("scheduling.k8s.io", "PriorityClass"),
        ("config.openshift.io", "ClusterVersion"), ("config.openshift.io", "Infrastructure"),
        ("services.platform.opendatahub.io", "Monitoring"),
    ];

    private readonly List<Namespace> _namespaces = [];
    private readonly List<GatewayClass> _gatewayClasses = [];
    private readonly List<Gateway> _gateways = [];
    private readonly List<HttpRoute> _routes = [];
    private readonly List<InferencePool> _pools = [];
    private readonly List<Service> _services = [];
    private readonly List<Pod> _pods = [];
    private readonly List<Deployment> _deployments = [];
    private readonly List<StatefulSet> _statefulSets = [];
    private readonly List<LeaderWorkerSet> _leaderWorkerSets = [];
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
    private readonly List<OpenDataHubMonitoring> _odhMonitorings = [];
    private readonly List<string> _problems = [];

    /// <summary>One copy of each repeated string (label keys and values, namespaces, condition types) per builder.</summary>
    private readonly KubeJsonContext _json = KubeJsonContext.Pooled(new StringPool());
    private readonly Dictionary<string, Copy> _kept = new(StringComparer.Ordinal);

    /// <summary>The copy of an object kept so far: where it came from, what ranks it, and how to take it back out.</summary>
    private sealed record Copy(string Origin, bool HasStatus, string? ResourceVersion, Action Remove);

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
        if (string.IsNullOrEmpty(ns) && obj["metadata"] is JsonObject meta && !ClusterScoped.Contains((group, kind)))
        {
            ns = defaultNamespace;
            meta["namespace"] = ns;
        }
        var where = $"{origin}: {kind} {(ns is null ? "" : ns + "/")}{name}";

        if (kind == "Secret" && group == "")
        {
            // Keep name and type only; the data never enters the snapshot.
            obj.Remove("data");
            obj.Remove("stringData");
        }

        // The same object may appear twice (an applied manifest and its live copy, or overlapping files).
        var identity = $"{apiVersion}|{kind}|{ns}|{name}";
        var hasStatus = obj["status"] is JsonObject status && status.Count > 0;
        var resourceVersion = obj["metadata"] is JsonObject m3 ? Str(m3, "resourceVersion") : null;
        _kept.TryGetValue(identity, out var earlier);
        var laterWins = earlier is null ? null : WhyLaterWins(earlier, hasStatus, resourceVersion);
        if (earlier is not null && laterWins is null)
        {
            _problems.Add($"{where}: duplicate of {earlier.Origin}, ignored ({WhyEarlierWins(earlier, hasStatus, resourceVersion)})");
            return;
        }

        if (obj["metadata"] is JsonObject trimmed)
        {
            // Never read, often the largest part of an object (a 50,000-pod cluster carries hundreds of MB of it).
            trimmed.Remove("managedFields");
        }

        if (kind == "Pod" && group == "")
        {
            // Pods are the kind that scales: only the fields checks read are kept (Deployments keep their template whole).
            PodFields.Narrow(obj);
        }

        StripNulls(obj);
        try
        {
            Action? remove = (group, kind) switch
            {
                ("", "Namespace") => Read(obj, _json.Namespace, _namespaces),
                ("gateway.networking.k8s.io", "GatewayClass") => Read(obj, _json.GatewayClass, _gatewayClasses),
                ("gateway.networking.k8s.io", "Gateway") => Read(obj, _json.Gateway, _gateways),
                ("gateway.networking.k8s.io", "HTTPRoute") => Read(obj, _json.HttpRoute, _routes),
                (InferencePool.GroupV1, "InferencePool") => AddPoolV1(obj, apiVersion),
                (InferencePool.GroupV1Alpha2, "InferencePool") => AddPoolV1Alpha2(obj, apiVersion),
                ("", "Service") => Read(obj, _json.Service, _services),
                ("", "Pod") => Read(obj, _json.Pod, _pods),
                ("apps", "Deployment") => Read(obj, _json.Deployment, _deployments),
                ("apps", "StatefulSet") => Read(obj, _json.StatefulSet, _statefulSets),
                ("leaderworkerset.x-k8s.io", "LeaderWorkerSet") => Read(obj, _json.LeaderWorkerSet, _leaderWorkerSets),
                ("", "ConfigMap") => Read(obj, _json.ConfigMap, _configMaps),
                ("", "Secret") => Read(obj, _json.SecretInfo, _secrets),
                ("serving.kserve.io", "LLMInferenceService") => Read(obj, _json.LlmInferenceService, _llmisvcs),
                ("sailoperator.io", "Istio") => Read(obj, _json.IstioControlPlane, _istios),
                ("networking.istio.io", "EnvoyFilter") => Read(obj, _json.EnvoyFilter, _envoyFilters),
                ("monitoring.coreos.com", "ServiceMonitor") => Read(obj, _json.ServiceMonitor, _serviceMonitors),
                ("monitoring.coreos.com", "PodMonitor") => Read(obj, _json.PodMonitor, _podMonitors),
                ("monitoring.coreos.com", "Prometheus") => Read(obj, _json.PrometheusServer, _prometheuses),
                ("monitoring.coreos.com", "PrometheusRule") => Read(obj, _json.PrometheusRule, _rules),
                ("grafana.integreatly.org", "Grafana") => Read(obj, _json.GrafanaInstance, _grafanas),
                ("grafana.integreatly.org", "GrafanaDatasource") => Read(obj, _json.GrafanaDatasource, _datasources),
                ("grafana.integreatly.org", "GrafanaDashboard") => Read(obj, _json.GrafanaDashboard, _dashboards),
                ("services.platform.opendatahub.io", "Monitoring") => Read(obj, _json.OpenDataHubMonitoring, _odhMonitorings),
                _ => null,
            };
            if (remove is not null)
            {
                if (earlier is not null)
                {
                    // Only now, with the later copy read, does the earlier one go.
                    earlier.Remove();
                    Count--;
                    _problems.Add($"{earlier.Origin}: {kind} {(ns is null ? "" : ns + "/")}{name}: duplicate of {origin}, ignored ({laterWins})");
                }

                Count++;
                _kept[identity] = new Copy(origin, hasStatus, resourceVersion, remove);
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
        StatefulSets = [.. _statefulSets],
        LeaderWorkerSets = [.. _leaderWorkerSets],
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
        OpenDataHubMonitorings = [.. _odhMonitorings],
        Problems = [.. _problems],
    };

    /// <summary>
    /// Of two copies of one object, the later wins when only it has a <c>status</c> (it was read from the cluster,
    /// the other is an applied manifest), else when both have the same standing and its <c>resourceVersion</c> is
    /// numerically newer. Returns why it wins, or null when the earlier copy stays.
    /// </summary>
    private static string? WhyLaterWins(Copy earlier, bool hasStatus, string? resourceVersion)
    {
        if (hasStatus != earlier.HasStatus)
        {
            return hasStatus ? "the other copy has status" : null;
        }

        return Newer(resourceVersion, earlier.ResourceVersion) ? "the other copy has a newer resourceVersion" : null;
    }

    private static string WhyEarlierWins(Copy earlier, bool hasStatus, string? resourceVersion) =>
        earlier.HasStatus && !hasStatus ? "the other copy has status"
        : Newer(earlier.ResourceVersion, resourceVersion) ? "the other copy has a newer resourceVersion"
        : "the first copy read is kept";

    /// <summary>resourceVersion is opaque to clients, but the API server's are decimal etcd revisions: compare them only when both parse.</summary>
    private static bool Newer(string? a, string? b) =>
        ulong.TryParse(a, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var x)
        && ulong.TryParse(b, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y)
        && x > y;

    private static Action Read<T>(JsonObject obj, JsonTypeInfo<T> type, List<T> into)
        where T : class
    {
        var value = obj.Deserialize(type) ?? throw new JsonException("empty object");
        into.Add(value);
        return () => into.RemoveAt(into.FindIndex(x => ReferenceEquals(x, value)));
    }

    private Action AddPoolV1(JsonObject obj, string apiVersion)
    {
        var raw = obj.Deserialize(_json.InferencePoolV1) ?? throw new JsonException("empty object");
        var picker = raw.Spec.EndpointPickerRef;
        _pools.Add(new InferencePool(
            raw.Metadata, InferencePool.GroupV1, VersionOf(apiVersion), raw.Spec.Selector,
            [.. raw.Spec.TargetPorts.Select(p => p.Number)],
            picker?.Kind is { Length: > 0 } k ? k : "Service", picker?.Name ?? "",
            picker?.Port?.Number ?? InferencePool.DefaultPickerPort,
            picker?.FailureMode ?? "FailClose",
            raw.Status.Parents));
        return RemoveLastPool();
    }

    private Action AddPoolV1Alpha2(JsonObject obj, string apiVersion)
    {
        var raw = obj.Deserialize(_json.InferencePoolV1Alpha2) ?? throw new JsonException("empty object");
        var ext = raw.Spec.ExtensionRef;
        _pools.Add(new InferencePool(
            raw.Metadata, InferencePool.GroupV1Alpha2, VersionOf(apiVersion), LabelSelector.FromMap(raw.Spec.Selector),
            raw.Spec.TargetPortNumber > 0 ? [raw.Spec.TargetPortNumber] : [],
            ext?.Kind is { Length: > 0 } k ? k : "Service", ext?.Name ?? "",
            ext?.PortNumber ?? InferencePool.DefaultPickerPort,
            ext?.FailureMode ?? "FailClose",
            raw.Status.Parent));
        return RemoveLastPool();
    }

    private Action RemoveLastPool()
    {
        var pool = _pools[^1];
        return () => _pools.RemoveAt(_pools.FindIndex(x => ReferenceEquals(x, pool)));
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
