using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Envoy.Admin;
using LlmdDoctor.Envoy.ConfigDump;
using LlmdDoctor.Simulator.EndpointPicker;
using LlmdDoctor.Simulator.Gateway;
using LlmdDoctor.Simulator.Kube;
using LlmdDoctor.Simulator.Monitoring;
using LlmdDoctor.Simulator.Vllm;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlmdDoctor.Simulator;

/// <summary>
/// A scenario brought to life on 127.0.0.1 (design.md §9): a Kubernetes API server, one Envoy-like listener per
/// Gateway listener, an EPP per Endpoint Picker Service (ext_proc gRPC over TLS with a self-signed certificate, gRPC
/// health over h2c), one vLLM per model pod, a Prometheus API and a Grafana API. Every port is chosen at start.
/// The doctor reaches all of it the way it reaches a real cluster: <see cref="KubeconfigPath"/> → API server →
/// Gateway status addresses / pods/portforward → HTTP probes, gRPC and Prometheus/Grafana APIs.
/// </summary>
public sealed class SimulatedCluster : IAsyncDisposable
{
    private readonly SimulatorHost _host = new();
    private readonly SimulatorCertificates _certificates = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("llmd-sim-");
    private readonly List<SimulatedGateway> _gateways = [];
    private readonly Dictionary<string, SimulatedEndpointPicker> _pickers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedVllm> _vllms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnvoyAdmin> _admins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Uri> _serviceAddresses = new(StringComparer.Ordinal);
    private readonly ClusterNetwork _network;
    private readonly Lock _applying = new();
    private IReadOnlyList<JsonObject> _destinationRules = [];
    private SimulatedApiServer? _api;
    private SimulatedPrometheus? _prometheus;
    private int _disposed;

    private SimulatedCluster(Scenario scenario)
    {
        Scenario = scenario;
        Cluster = new ClusterModel(scenario.Objects);
        CaFile = Path.Combine(_directory.FullName, "ca.crt");
        File.WriteAllText(CaFile, _certificates.CaPem);
        KubeconfigPath = Path.Combine(_directory.FullName, "kubeconfig");
        ApiToken = "sim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        PrometheusToken = "sim-thanos-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _network = new ClusterNetwork(this);
    }

    /// <summary>The scenario being simulated.</summary>
    public Scenario Scenario { get; }

    /// <summary>kubeconfig (in a temp directory) whose current context points at <see cref="ApiServer"/> with a bearer token and the simulator CA.</summary>
    public string KubeconfigPath { get; }

    /// <summary>The simulated Kubernetes API server (HTTPS, signed by the simulator CA).</summary>
    public Uri ApiServer { get; private set; } = null!;

    /// <summary>The bearer token the API server accepts (also in the kubeconfig).</summary>
    public string ApiToken { get; }

    /// <summary>
    /// PEM file of the simulator CA, which signed every simulated TLS server (API server, gateways, vLLM, Prometheus);
    /// NOT the EPP, whose certificate is self-signed as GIE's is without <c>--cert-path</c>.
    /// </summary>
    public string CaFile { get; }

    /// <summary>
    /// <c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local:&lt;port&gt;</c> → the simulated address of every Service port (EPP ports the
    /// Service lists, vLLM 8000, gateways, Thanos Querier 9091), plus <c>&lt;pod IP&gt;:9002/9003/9090</c> of each EPP pod.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> ServiceAddresses => _serviceAddresses;

    /// <summary>Prometheus HTTP API (HTTPS with the simulator CA; bearer <see cref="PrometheusToken"/> required).</summary>
    public Uri PrometheusUrl { get; private set; } = null!;

    /// <summary>The bearer token Prometheus accepts (test data).</summary>
    public string PrometheusToken { get; }

    /// <summary>Grafana HTTP API (plain HTTP, no auth).</summary>
    public Uri GrafanaUrl { get; private set; } = null!;

    /// <summary>Gateway <c>namespace/name</c> → its listener addresses, in listener order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Uri>> GatewayAddresses { get; private set; } = new Dictionary<string, IReadOnlyList<Uri>>();

    /// <summary>How long start-up took.</summary>
    public TimeSpan StartupTime { get; private set; }

    internal ClusterModel Cluster { get; }

    internal IReadOnlyList<SimulatedGateway> Gateways => _gateways;

    internal IReadOnlyDictionary<string, SimulatedEndpointPicker> EndpointPickers => _pickers;

    internal SimulatedApiServer Api => _api!;

    internal SimulatedPrometheus Prometheus => _prometheus!;

    internal X509Pem Certificates => new(_certificates.CaPem, _certificates.EndpointPicker.ExportCertificatePem());

    /// <summary>Starts every simulated server of <paramref name="scenario"/>.</summary>
    public static async Task<SimulatedCluster> StartAsync(Scenario scenario, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var clock = Stopwatch.StartNew();
        var cluster = new SimulatedCluster(scenario);
        try
        {
            await cluster.StartCoreAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        cluster.StartupTime = clock.Elapsed;
        return cluster;
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var model = Cluster;
        var serverCert = _certificates.Server;

        // vLLM: one listener per model pod (selected by an InferencePool or labelled kserve.io/component=workload).
        var vllmPods = new List<(JsonObject Pod, string Model, int Port, SimulatedEndpoint Endpoint)>();
        foreach (var pod in ModelPods())
        {
            var (modelName, shape) = ModelOf(pod);
            var port = PodPort(pod);
            var latency = TimeSpan.FromMilliseconds(ModelBehaviourOf(pod).LatencyMs);
            var vllm = new SimulatedVllm(ClusterModel.Ns(pod), ClusterModel.Name(pod), modelName, shape, latency);
            _vllms[$"{ClusterModel.Ns(pod)}/{ClusterModel.Name(pod)}"] = vllm;
            var https = IsHttps(pod, port);
            vllmPods.Add((pod, modelName, port, _host.Add($"vllm {ClusterModel.Name(pod)}", https, HttpProtocols.Http1AndHttp2, https ? serverCert : null, vllm.HandleAsync)));
        }

        // Other backends of HTTPRoutes (e.g. the RHOAI dashboard): a plain upstream answering 200.
        var otherPods = new List<(JsonObject Pod, int Port, SimulatedEndpoint Endpoint)>();
        foreach (var (pod, port) in OtherBackendPods(vllmPods.Select(v => v.Pod).ToHashSet()))
        {
            otherPods.Add((pod, port, _host.Add($"upstream {ClusterModel.Name(pod)}", false, HttpProtocols.Http1AndHttp2, null, GenericUpstreamAsync)));
        }

        // EPPs: one per Endpoint Picker Service named by the InferencePools.
        var pickerEndpoints = new List<(string Ns, string Service, int Port, SimulatedEndpoint ExtProc, SimulatedEndpoint Health, SimulatedEndpoint Metrics)>();
        var eppPods = new List<(JsonObject Pod, string Pool)>();
        foreach (var group in model.Pools.Select(p => (Pool: p, Picker: ClusterModel.PoolEndpointPicker(p))).Where(p => p.Picker is not null)
            .GroupBy(p => (Ns: ClusterModel.Ns(p.Pool), p.Picker!.Value.Service, p.Picker!.Value.Port)))
        {
            var ready = new List<string>();
            foreach (var (pool, _) in group)
            {
                var pods = model.PodsMatching(group.Key.Ns, ClusterModel.PoolSelector(pool)).Where(ClusterModel.IsReady).ToList();
                var limit = pods.Count == 0 ? 0 : Scenario.Models.Count == 0 ? pods.Count : pods.Min(p => ModelBehaviourOf(p).ReadyPods);
                ready.AddRange(pods.Take(limit).Select(p => $"{ClusterModel.PodIp(p)}:{ClusterModel.PoolTargetPort(pool)}").Where(a => !ready.Contains(a)));
            }

            var poolName = ClusterModel.Name(group.First().Pool);
            var picker = new SimulatedEndpointPicker(group.Key.Ns, group.Key.Service, poolName, ready, Scenario.EndpointPickerBehaviourOf(group.Key.Ns, group.Key.Service));
            _pickers[$"{group.Key.Ns}/{group.Key.Service}"] = picker;
            pickerEndpoints.Add((group.Key.Ns, group.Key.Service, group.Key.Port,
                _host.Add($"epp {group.Key.Service} ext_proc", true, HttpProtocols.Http2, _certificates.EndpointPicker, picker.HandleExtProcAsync),
                _host.Add($"epp {group.Key.Service} health", false, HttpProtocols.Http2, null, picker.HandleHealthAsync),
                _host.Add($"epp {group.Key.Service} metrics", false, HttpProtocols.Http1AndHttp2, null, picker.HandleMetricsAsync)));
            var service = model.Find("Service", group.Key.Ns, group.Key.Service);
            eppPods.AddRange(model.PodsMatching(group.Key.Ns, ClusterModel.StringMap(service?["spec"]?["selector"] as JsonObject)).Select(p => (p, poolName)));
        }

        // Gateways: one listener per Gateway listener, plus the admin endpoint of each gateway pod (port-forward only).
        var gatewayEndpoints = new List<(JsonObject Gateway, List<SimulatedEndpoint> Listeners)>();
        foreach (var gatewayObject in model.Gateways)
        {
            var ns = ClusterModel.Ns(gatewayObject);
            var name = ClusterModel.Name(gatewayObject);
            var envoy = EnvoyDataOf(ns, name);
            var gateway = new SimulatedGateway(ns, name, Scenario.GatewayBehaviourOf(ns, name), new GatewayRoutes(model, ns, name), envoy, _network);
            _gateways.Add(gateway);
            var listeners = new List<SimulatedEndpoint>();
            foreach (var listener in (gatewayObject["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var tls = (string?)listener["protocol"] is "HTTPS" or "TLS";
                listeners.Add(_host.Add($"gateway {name} {(string?)listener["name"]}", tls, HttpProtocols.Http1AndHttp2, tls ? serverCert : null, gateway.HandleAsync));
            }

            gatewayEndpoints.Add((gatewayObject, listeners));
        }

        foreach (var (relative, _) in Scenario.EnvoyFiles)
        {
            var parts = relative.Split('/');
            if (parts.Length == 3 && !_admins.ContainsKey($"{parts[0]}/{parts[1]}"))
            {
                var prefix = $"{parts[0]}/{parts[1]}/";
                _admins[$"{parts[0]}/{parts[1]}"] = new EnvoyAdmin(Scenario.EnvoyFiles.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .ToDictionary(f => f.Key[prefix.Length..], f => f.Value, StringComparer.Ordinal));
            }
        }

        _destinationRules = [.. model.OfKind("DestinationRule")];
        foreach (var gateway in _gateways)
        {
            foreach (var pod in model.GatewayPods(gateway.Namespace, gateway.Name))
            {
                if (_admins.TryGetValue($"{gateway.Namespace}/{ClusterModel.Name(pod)}", out var admin))
                {
                    admin.Counters = gateway.Counters;
                    if (admin.Get(GatewayEnvoyDataReader.ConfigDumpFile) is { } dump && JsonNode.Parse(dump) is JsonObject root
                        && ConfigDumpJson.ExtProcStatPrefix(root) is { } prefix)
                    {
                        gateway.ExtProcStatPrefix = prefix;
                    }
                }
            }
        }

        var series = SimulatedSeries.Build(model, Scenario.Metrics, vllmPods.Select(v => (v.Pod, v.Model)), eppPods);
        _prometheus = new SimulatedPrometheus(series, [.. model.OfKind("PrometheusRule")], PrometheusToken);
        var prometheusEndpoint = _host.Add("prometheus", true, HttpProtocols.Http1AndHttp2, serverCert, _prometheus.HandleAsync);
        var uids = model.OfKind("GrafanaDatasource")
            .SelectMany(d => new[] { (string?)d["status"]?["uid"], (string?)d["spec"]?["uid"], (string?)d["spec"]?["datasource"]?["uid"] })
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var grafanaEndpoint = _host.Add("grafana", false, HttpProtocols.Http1AndHttp2, null, new SimulatedGrafana(uids, Scenario.Metrics.GrafanaDatasourceError).HandleAsync);
        var apiEndpoint = _host.Add("kube-apiserver", true, HttpProtocols.Http1AndHttp2, serverCert, context => _api!.HandleAsync(context));

        await _host.StartAsync(ct).ConfigureAwait(false);

        // Addresses are known now: map pod IPs and Service ports to listeners, rewrite the Gateways, serve the API.
        foreach (var (pod, _, port, endpoint) in vllmPods)
        {
            _network.AddPod(pod, port, endpoint.Url);
        }

        foreach (var (pod, port, endpoint) in otherPods)
        {
            _network.AddPod(pod, port, endpoint.Url);
        }

        foreach (var (ns, service, port, extProc, health, metrics) in pickerEndpoints)
        {
            var serviceObject = model.Find("Service", ns, service);
            var ports = (serviceObject?["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            _serviceAddresses[$"{service}.{ns}.svc.cluster.local:{port}"] = extProc.Url;
            foreach (var p in ports)
            {
                var number = ClusterModel.Int(p["port"]) ?? 0;
                var portName = (string?)p["name"] ?? "";
                var target = number == port ? extProc : portName.Contains("health", StringComparison.Ordinal) || number == 9003 ? health : portName == "metrics" || number == 9090 ? metrics : null;
                if (target is not null)
                {
                    _serviceAddresses[$"{service}.{ns}.svc.cluster.local:{number}"] = target.Url;
                }
            }

            // The pods themselves listen on GIE's defaults whatever the Service exposes (pkg/epp/server/runserver.go:
            // ext_proc 9002, health 9003 plaintext, metrics 9090); GIE's Helm Service exposes only 9002 and 9090
            // (config/charts/inferencepool/templates/epp-service.yaml @v1.0.0), so 9003 is reachable by Service name
            // only when the Service lists it (KServe's does).
            var eppSelector = ClusterModel.StringMap(serviceObject?["spec"]?["selector"] as JsonObject);
            foreach (var pod in eppSelector.Count == 0 ? [] : model.PodsMatching(ns, eppSelector))
            {
                if (ClusterModel.PodIp(pod) is { } ip)
                {
                    _serviceAddresses[$"{ip}:9002"] = extProc.Url;
                    _serviceAddresses[$"{ip}:9003"] = health.Url;
                    _serviceAddresses[$"{ip}:9090"] = metrics.Url;
                }
            }
        }

        var gatewayAddresses = new Dictionary<string, IReadOnlyList<Uri>>(StringComparer.Ordinal);
        var rewritten = new Dictionary<JsonObject, JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var (gatewayObject, listeners) in gatewayEndpoints)
        {
            gatewayAddresses[$"{ClusterModel.Ns(gatewayObject)}/{ClusterModel.Name(gatewayObject)}"] = [.. listeners.Select(l => l.Url)];
            rewritten[gatewayObject] = RewriteGateway(gatewayObject, listeners);
        }

        GatewayAddresses = gatewayAddresses;
        AddServiceAddresses(gatewayEndpoints);
        PrometheusUrl = prometheusEndpoint.Url;
        GrafanaUrl = grafanaEndpoint.Url;
        _serviceAddresses["thanos-querier.openshift-monitoring.svc.cluster.local:9091"] = PrometheusUrl;
        _serviceAddresses["thanos-querier.openshift-monitoring.svc.cluster.local:9092"] = PrometheusUrl;
        _serviceAddresses["thanos-querier.openshift-monitoring.svc.cluster.local:9093"] = PrometheusUrl;
        foreach (var grafana in model.OfKind("Grafana"))
        {
            _serviceAddresses[$"{ClusterModel.Name(grafana)}-service.{ClusterModel.Ns(grafana)}.svc.cluster.local:3000"] = GrafanaUrl;
        }

        ApiServer = apiEndpoint.Url;
        _api = new SimulatedApiServer([.. Scenario.Objects.Select(o => rewritten.TryGetValue(o, out var r) ? r : o)], ApiToken, PortForward, PortStream) { Url = ApiServer };
        await File.WriteAllTextAsync(KubeconfigPath, Kubeconfig(), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The two rewrites that make the live path work locally: <c>status.addresses</c> becomes 127.0.0.1 (IPAddress),
    /// each listener's port the simulated listener's port (protocol kept; HTTPS served with a simulator-CA certificate).
    /// </summary>
    private static JsonObject RewriteGateway(JsonObject gateway, List<SimulatedEndpoint> listeners)
    {
        var copy = (JsonObject)gateway.DeepClone();
        var specListeners = copy["spec"]?["listeners"] as JsonArray ?? [];
        for (var i = 0; i < specListeners.Count && i < listeners.Count; i++)
        {
            specListeners[i]!["port"] = listeners[i].Port;
        }

        var status = copy["status"] as JsonObject ?? (JsonObject)(copy["status"] = new JsonObject());
        status["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "127.0.0.1" });
        return copy;
    }

    private void AddServiceAddresses(List<(JsonObject Gateway, List<SimulatedEndpoint> Listeners)> gateways)
    {
        foreach (var service in Cluster.OfKind("Service"))
        {
            var ns = ClusterModel.Ns(service);
            var selector = ClusterModel.StringMap(service["spec"]?["selector"] as JsonObject);
            foreach (var port in (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var number = ClusterModel.Int(port["port"]) ?? 0;
                var key = $"{ClusterModel.Name(service)}.{ns}.svc.cluster.local:{number}";
                if (_serviceAddresses.ContainsKey(key))
                {
                    continue;
                }

                var endpoints = _network.ServiceEndpoints(ns, ClusterModel.Name(service), number);
                if (endpoints.Count > 0 && _network.PodEndpoint(endpoints[0]) is { } pod)
                {
                    _serviceAddresses[key] = pod;
                    continue;
                }

                // A gateway's Service (selector gateway-name=<gw>): its port N is the gateway listener with port N.
                if (selector.TryGetValue(ClusterModel.GatewayNameLabel, out var gatewayName)
                    && gateways.FirstOrDefault(g => ClusterModel.Ns(g.Gateway) == ns && ClusterModel.Name(g.Gateway) == gatewayName) is { Gateway: not null } match)
                {
                    var listeners = (match.Gateway["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    var index = listeners.FindIndex(l => ClusterModel.Int(l["port"]) == number);
                    if (index >= 0 && index < match.Listeners.Count)
                    {
                        _serviceAddresses[key] = match.Listeners[index].Url;
                    }
                }
            }
        }
    }

    private byte[]? PortForward(string ns, string pod, int port, string requestLine) =>
        port == EnvoyAdmin.AdminPort && _admins.TryGetValue($"{ns}/{pod}", out var admin) ? admin.Respond(requestLine) : null;

    /// <summary>Forbids <c>create pods/portforward</c> in <paramref name="ns"/> from now on, as a cluster whose Roles grant it only elsewhere.</summary>
    public void DenyPortForward(string ns) => _api!.DenyPortForward(ns);

    /// <summary>A pod port other than Envoy admin, forwarded as TCP: the Endpoint Picker's and model servers' listeners by pod IP.</summary>
    private Uri? PortStream(string ns, string pod, int port)
    {
        if (port == EnvoyAdmin.AdminPort && _admins.ContainsKey($"{ns}/{pod}"))
        {
            return null;
        }

        var ip = Cluster.OfKind("Pod").Where(p => ClusterModel.Ns(p) == ns && ClusterModel.Name(p) == pod).Select(ClusterModel.PodIp).FirstOrDefault();
        return ip is null ? null : _serviceAddresses.GetValueOrDefault($"{ip}:{port}") ?? _network.PodEndpoint($"{ip}:{port}");
    }

    private string Kubeconfig()
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(_certificates.CaPem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: llmd-simulator
              cluster:
                server: {ApiServer.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            contexts:
            - name: llmd-simulator
              context:
                cluster: llmd-simulator
                user: llmd-doctor
                namespace: default
            current-context: llmd-simulator
            users:
            - name: llmd-doctor
              user:
                token: {ApiToken}

            """;
    }

    private IEnumerable<JsonObject> ModelPods()
    {
        var selected = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var pool in Cluster.Pools)
        {
            selected.UnionWith(Cluster.PodsMatching(ClusterModel.Ns(pool), ClusterModel.PoolSelector(pool)));
        }

        selected.UnionWith(Cluster.OfKind("Pod").Where(p => ClusterModel.Label(p, "kserve.io/component") == "workload"));
        return selected.Where(p => ClusterModel.PodIp(p) is not null).OrderBy(ClusterModel.Name, StringComparer.Ordinal);
    }

    /// <summary>Pods behind Services that HTTPRoutes send to, which are not model pods.</summary>
    private IEnumerable<(JsonObject Pod, int Port)> OtherBackendPods(HashSet<JsonObject> modelPods)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in Cluster.HttpRoutes)
        {
            foreach (var backend in (route["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(r => (r["backendRefs"] as JsonArray ?? []).OfType<JsonObject>()).Where(b => ((string?)b["kind"] ?? "Service") == "Service"))
            {
                var ns = (string?)backend["namespace"] ?? ClusterModel.Ns(route);
                var service = Cluster.Find("Service", ns, (string?)backend["name"] ?? "");
                var port = (service?["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => ClusterModel.Int(p["port"]) == ClusterModel.Int(backend["port"]));
                if (service is null || port is null)
                {
                    continue;
                }

                foreach (var pod in Cluster.PodsMatching(ns, ClusterModel.StringMap(service["spec"]?["selector"] as JsonObject))
                    .Where(p => !modelPods.Contains(p) && ClusterModel.PodIp(p) is not null))
                {
                    var target = ClusterNetwork.TargetPort(port, pod);
                    if (seen.Add($"{ClusterModel.PodIp(pod)}:{target}"))
                    {
                        yield return (pod, target);
                    }
                }
            }
        }
    }

    private static Task GenericUpstreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync("<!doctype html><title>simulated upstream</title><p>OK</p>\n");
    }

    private ModelBehaviour ModelBehaviourOf(JsonObject pod)
    {
        var ns = ClusterModel.Ns(pod);
        var name = ClusterModel.Label(pod, "app.kubernetes.io/name");
        return (name is not null && Scenario.Models.TryGetValue($"{ns}/{name}", out var exact) ? exact : null)
            ?? Scenario.Models.Where(kv => kv.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(kv => kv.Value).FirstOrDefault()
            ?? ModelBehaviour.Default;
    }

    private (string Model, VllmErrorShape Shape) ModelOf(JsonObject pod)
    {
        var behaviour = ModelBehaviourOf(pod);
        var ns = ClusterModel.Ns(pod);
        var isvc = ClusterModel.Label(pod, "app.kubernetes.io/name") is { } n ? Cluster.OfKind("LLMInferenceService").FirstOrDefault(o => ClusterModel.Ns(o) == ns && ClusterModel.Name(o) == n) : null;
        var model = behaviour.ServedModelName ?? (string?)isvc?["spec"]?["model"]?["name"] ?? ClusterModel.Label(pod, "app.kubernetes.io/name") ?? ClusterModel.Name(pod);
        return (model, behaviour.ErrorShape);
    }

    private int PodPort(JsonObject pod)
    {
        var pool = Cluster.Pools.FirstOrDefault(p => ClusterModel.Ns(p) == ClusterModel.Ns(pod)
            && ClusterModel.PoolSelector(p) is var s && s.Count > 0 && s.All(kv => ClusterModel.Label(pod, kv.Key) == kv.Value));
        return pool is not null ? ClusterModel.PoolTargetPort(pool) : 8000;
    }

    /// <summary>HTTPS when a Service port targeting the pod's port says https (KServe's workload Service: name/appProtocol https), or the container port is named https.</summary>
    private bool IsHttps(JsonObject pod, int port)
    {
        var ns = ClusterModel.Ns(pod);
        foreach (var service in Cluster.OfKind("Service").Where(s => ClusterModel.Ns(s) == ns))
        {
            var selector = ClusterModel.StringMap(service["spec"]?["selector"] as JsonObject);
            if (selector.Count == 0 || !selector.All(kv => ClusterModel.Label(pod, kv.Key) == kv.Value))
            {
                continue;
            }

            foreach (var p in (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().Where(p => ClusterNetwork.TargetPort(p, pod) == port))
            {
                return (string?)p["appProtocol"] == "https" || (string?)p["name"] is "https" or "https-main";
            }
        }

        return (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Any(p => ClusterModel.Int(p["containerPort"]) == port && (string?)p["name"] == "https");
    }

    private Core.Envoy.GatewayEnvoyData? EnvoyDataOf(string ns, string gateway)
    {
        foreach (var pod in Cluster.GatewayPods(ns, gateway).OrderBy(ClusterModel.Name, StringComparer.Ordinal))
        {
            var prefix = $"{ns}/{ClusterModel.Name(pod)}/";
            if (!Scenario.EnvoyFiles.TryGetValue(prefix + GatewayEnvoyDataReader.ConfigDumpFile, out var dumpBytes))
            {
                continue;
            }

            using var stream = new MemoryStream(dumpBytes);
            var dump = ConfigDumpParser.Parse(stream, prefix + GatewayEnvoyDataReader.ConfigDumpFile);
            var serverInfo = Scenario.EnvoyFiles.TryGetValue(prefix + GatewayEnvoyDataReader.ServerInfoFile, out var info)
                ? EnvoyServerInfo.Parse(Encoding.UTF8.GetString(info)) : null;
            return GatewayEnvoyDataReader.FromDump(ns, gateway, ClusterModel.Name(pod), dump, serverInfo);
        }

        return null;
    }

    /// <summary>
    /// Applies an EnvoyFilter as <c>kubectl apply</c> plus istiod would: the object appears in the API, and each selected
    /// gateway pod's Envoy config (its config_dump and the routing it runs with) gets the filter's HTTP_ROUTE MERGE
    /// patches. Returns the gateways that changed.
    /// </summary>
    public IReadOnlyList<string> ApplyEnvoyFilter(JsonObject filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _api!.Add(filter);
        var ns = ClusterModel.Ns(filter);
        var changed = new List<string>();
        // An EnvoyFilter in Istio's root namespace applies to workloads of every namespace.
        foreach (var gateway in _gateways.Where(g => g.Namespace == ns || ns == IstioDestinationRules.RootNamespace))
        {
            foreach (var pod in Cluster.GatewayPods(gateway.Namespace, gateway.Name).Where(p => Gateway.EnvoyFilterPush.Selects(filter, p)))
            {
                if (!_admins.TryGetValue($"{gateway.Namespace}/{ClusterModel.Name(pod)}", out var admin) || admin.Get(GatewayEnvoyDataReader.ConfigDumpFile) is not { } dump)
                {
                    continue;
                }

                var (patched, any) = Gateway.EnvoyFilterPush.Apply(filter, dump);
                if (!any)
                {
                    continue;
                }

                admin.Replace(GatewayEnvoyDataReader.ConfigDumpFile, patched);
                if (JsonNode.Parse(patched) is JsonObject root && ConfigDumpJson.ExtProcStatPrefix(root) is { } prefix)
                {
                    gateway.ExtProcStatPrefix = prefix;
                }

                using var stream = new MemoryStream(patched);
                var parsed = ConfigDumpParser.Parse(stream, $"{gateway.Namespace}/{ClusterModel.Name(pod)}/{GatewayEnvoyDataReader.ConfigDumpFile}");
                var serverInfo = admin.Get(GatewayEnvoyDataReader.ServerInfoFile) is { } info ? EnvoyServerInfo.Parse(Encoding.UTF8.GetString(info)) : null;
                gateway.Envoy = GatewayEnvoyDataReader.FromDump(gateway.Namespace, gateway.Name, ClusterModel.Name(pod), parsed, serverInfo);
                changed.Add($"{gateway.Namespace}/{gateway.Name}");
            }
        }

        return changed;
    }

    /// <summary>
    /// <c>kubectl apply -f</c> for the simulated cluster: every object of the YAML (or JSON) documents appears in the
    /// API (replacing one of the same kind, namespace and name; no <c>metadata.namespace</c> means <c>default</c>),
    /// and istiod's part happens: an EnvoyFilter is pushed to the gateways it selects (<see cref="ApplyEnvoyFilter"/>),
    /// a DestinationRule decides from the next request on how the gateways in its reach talk TLS to its host
    /// (<see cref="IstioDestinationRules"/>). Returns <c>Kind namespace/name</c> of each object applied.
    /// </summary>
    public IReadOnlyList<string> Apply(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var applied = new List<string>();
        foreach (var document in Kubernetes.YamlJson.ParseDocuments(yaml).OfType<JsonObject>())
        {
            var metadata = document["metadata"] as JsonObject ?? throw new ArgumentException("an object without metadata", nameof(yaml));
            metadata["namespace"] ??= "default";
            switch (ClusterModel.Kind(document))
            {
                case "EnvoyFilter":
                    ApplyEnvoyFilter(document);
                    break;
                case "DestinationRule":
                    _api!.Add(document);
                    lock (_applying)
                    {
                        _destinationRules = [.. _destinationRules.Where(r => !(ClusterModel.Ns(r) == ClusterModel.Ns(document) && ClusterModel.Name(r) == ClusterModel.Name(document))), document];
                    }

                    break;
                default:
                    _api!.Add(document);
                    break;
            }

            applied.Add($"{ClusterModel.Kind(document)} {ClusterModel.Ns(document)}/{ClusterModel.Name(document)}");
        }

        return applied;
    }

    /// <summary>Stops every server and deletes the temp directory (kubeconfig, CA file).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _host.DisposeAsync().ConfigureAwait(false);
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
        }

        _certificates.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is left behind.
        }
    }

    /// <summary>Certificates as PEM, for tests.</summary>
    internal sealed record X509Pem(string Ca, string EndpointPicker);

    /// <summary>Resolves pod addresses, Service and pool endpoints for the gateways.</summary>
    private sealed class ClusterNetwork(SimulatedCluster owner) : IClusterNetwork
    {
        private readonly Dictionary<string, Uri> _pods = new(StringComparer.Ordinal);

        public string CaFile => owner.CaFile;

        public void AddPod(JsonObject pod, int port, Uri url) => _pods[$"{ClusterModel.PodIp(pod)}:{port}"] = url;

        public Uri? PodEndpoint(string ipPort) => _pods.GetValueOrDefault(ipPort);

        public IReadOnlyList<string> ServiceEndpoints(string ns, string service, int port)
        {
            var svc = owner.Cluster.Find("Service", ns, service);
            var servicePort = (svc?["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => ClusterModel.Int(p["port"]) == port);
            if (svc is null || servicePort is null)
            {
                return [];
            }

            return [.. owner.Cluster.PodsMatching(ns, ClusterModel.StringMap(svc["spec"]?["selector"] as JsonObject))
                .Where(ClusterModel.IsReady)
                .Select(p => $"{ClusterModel.PodIp(p)}:{TargetPort(servicePort, p)}")];
        }

        public IReadOnlyList<string> PoolEndpoints(string ns, string pool, string group)
        {
            var found = owner.Cluster.Find("InferencePool", ns, pool, group);
            return found is null ? [] : [.. owner.Cluster.PodsMatching(ns, ClusterModel.PoolSelector(found)).Where(ClusterModel.IsReady)
                .Select(p => $"{ClusterModel.PodIp(p)}:{ClusterModel.PoolTargetPort(found)}")];
        }

        public (string Service, int Port, bool FailOpen)? PoolPicker(string ns, string pool, string group) =>
            owner.Cluster.Find("InferencePool", ns, pool, group) is { } found ? ClusterModel.PoolEndpointPicker(found) : null;

        public Uri? ServiceAddress(string hostPort) => owner._serviceAddresses.GetValueOrDefault(hostPort);

        public bool? EndpointPickerTls(string proxyNamespace, string host) =>
            IstioDestinationRules.For(Volatile.Read(ref owner._destinationRules), proxyNamespace, host) is { } rule ? IstioDestinationRules.TrustsSelfSigned(rule) : null;

        /// <summary>A Service port's targetPort on a pod: a number, a container port name, or (unset) the port itself.</summary>
        public static int TargetPort(JsonObject servicePort, JsonObject pod)
        {
            if (ClusterModel.Int(servicePort["targetPort"]) is { } number)
            {
                return number;
            }

            if ((string?)servicePort["targetPort"] is { } name)
            {
                var named = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
                    .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                    .FirstOrDefault(p => (string?)p["name"] == name);
                if (ClusterModel.Int(named?["containerPort"]) is { } resolved)
                {
                    return resolved;
                }
            }

            return ClusterModel.Int(servicePort["port"]) ?? 0;
        }
    }
}
