using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Simulator;

/// <summary>A finding a scenario expects the doctor to report (or, in <see cref="Scenario.Absent"/>, not to report).</summary>
/// <param name="Code">The finding code, e.g. <c>LLMD0401</c>.</param>
/// <param name="Group">API group of the subject (<c>""</c> for core); null when the row names no subject.</param>
/// <param name="Kind">Kind of the subject; null when the row names no subject.</param>
/// <param name="Namespace">Namespace of the subject; null for cluster-scoped subjects or no subject.</param>
/// <param name="Name">Name of the subject; null when the row names no subject.</param>
/// <param name="Live">True when the row needs live sources (probes, gRPC, Prometheus, Grafana) and holds only against the simulator.</param>
/// <param name="Why">One line of reasoning, for people and test failures.</param>
public sealed record ExpectedFinding(string Code, string? Group, string? Kind, string? Namespace, string? Name, bool Live, string Why);

/// <summary>How the simulated gateway reaches the EPP.</summary>
public enum EppTls
{
    /// <summary>The gateway trusts the EPP's certificate (DestinationRule insecureSkipVerify): the EPP is in the loop.</summary>
    Trusted,

    /// <summary>The gateway checks the EPP's self-signed certificate against a CA that did not sign it: every ext_proc stream fails.</summary>
    Untrusted,
}

/// <summary>Live behaviour of one Gateway (<c>behaviour.gateways.&lt;ns&gt;/&lt;name&gt;</c>).</summary>
/// <param name="EppTls">TLS between the gateway and the EPP.</param>
/// <param name="RequireAuth">401 with <c>www-authenticate: Bearer</c> unless the request carries Authorization (Kuadrant AuthPolicy).</param>
public sealed record GatewayBehaviour(EppTls EppTls, bool RequireAuth)
{
    public static GatewayBehaviour Default { get; } = new(EppTls.Trusted, false);
}

/// <summary>Live behaviour of one Endpoint Picker (<c>behaviour.endpointPickers.&lt;ns&gt;/&lt;service&gt;</c>).</summary>
/// <param name="Streaming">
/// GIE ≥ v0.4 (and the llm-d scheduler): the FULL_DUPLEX_STREAMED-only server that answers request headers only after
/// the body's end of stream. False for <c>gie: v0.2</c>/<c>v0.3</c>: the original server (USE_STREAMING unset, cmd/epp/main.go
/// @v0.3.0) that answers headers at once and picks on the BUFFERED body message.
/// </param>
/// <param name="LeaderElection">GIE's <c>--ha-enable-leader-election</c>: gRPC health then answers SERVICE_UNKNOWN for unknown service names.</param>
public sealed record EndpointPickerBehaviour(bool Streaming, bool LeaderElection)
{
    public static EndpointPickerBehaviour Default { get; } = new(true, false);
}

/// <summary>vLLM's error JSON shape (vLLM PR #22099, v0.10.1).</summary>
public enum VllmErrorShape
{
    /// <summary><c>{"object":"error","message":…,"type":…,"param":null,"code":400}</c> (before v0.10.1).</summary>
    Flat,

    /// <summary><c>{"error":{"message":…,"type":…,"param":…,"code":…}}</c> (v0.10.1 and later).</summary>
    Nested,
}

/// <summary>Live behaviour of one LLMInferenceService (<c>behaviour.models.&lt;ns&gt;/&lt;name&gt;</c>).</summary>
/// <param name="ErrorShape">vLLM error shape.</param>
/// <param name="ServedModelName">The id vLLM serves (<c>--served-model-name</c>).</param>
/// <param name="ReadyPods">How many of the model's pods the EPP considers ready (0 = ImmediateResponse 503).</param>
/// <param name="LatencyMs">How long vLLM takes before it answers a model list or completion (a loaded server; 0 = at once).</param>
public sealed record ModelBehaviour(VllmErrorShape ErrorShape, string? ServedModelName, int ReadyPods, int LatencyMs = 0)
{
    public static ModelBehaviour Default { get; } = new(VllmErrorShape.Nested, null, 1);
}

/// <summary>Which metric names Prometheus holds (<c>behaviour.metrics</c>).</summary>
/// <param name="Prefix"><c>vllm</c> (unrenamed), <c>kserve_vllm</c> (KServe's <c>kserve_$1</c> relabeling) or <c>both</c>.</param>
/// <param name="Dcgm">Whether DCGM exporter GPU series exist.</param>
/// <param name="TargetsUp">Whether every scrape target is up (<c>up</c> = 1).</param>
/// <param name="GrafanaDatasourceError">When set, Grafana's datasource health answers 400 ERROR with this message.</param>
public sealed record MetricsBehaviour(string Prefix, bool Dcgm, bool TargetsUp = true, string? GrafanaDatasourceError = null)
{
    public static MetricsBehaviour Default { get; } = new("vllm", true);

    /// <summary>Unrenamed <c>vllm:</c>/<c>inference_</c> names are present.</summary>
    public bool Plain => Prefix is "vllm" or "both";

    /// <summary><c>kserve_</c>-prefixed names are present.</summary>
    public bool Renamed => Prefix is "kserve_vllm" or "both";
}

/// <summary>
/// One simulator scenario (Scenarios/&lt;name&gt;/scenario.yaml plus its bundle): what the doctor must and must not
/// report, the behaviour switches of the live simulator, the bundle's Kubernetes objects and the gateways' Envoy
/// admin files.
/// </summary>
public sealed class Scenario
{
    internal Scenario(string name, JsonObject spec, IReadOnlyList<JsonObject> objects, IReadOnlyDictionary<string, byte[]> bundleFiles)
    {
        Name = name;
        Description = ((string?)spec["description"] ?? "").Trim();
        IstioVersion = spec["istioVersion"]?.ToString();
        EnvoyVersion = spec["envoyVersion"]?.ToString();
        Expect = Findings(spec["expect"] as JsonArray);
        Absent = Findings(spec["absent"] as JsonArray);
        var behaviour = spec["behaviour"] as JsonObject ?? [];
        Gateways = (behaviour["gateways"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => ParseGateway(kv.Value as JsonObject), StringComparer.Ordinal);
        EndpointPickers = (behaviour["endpointPickers"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => ParseEndpointPicker(kv.Value as JsonObject), StringComparer.Ordinal);
        Models = (behaviour["models"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => ParseModel(kv.Value as JsonObject), StringComparer.Ordinal);
        Metrics = ParseMetrics(behaviour["metrics"] as JsonObject);
        Objects = objects;
        BundleFiles = bundleFiles;
        EnvoyFiles = bundleFiles.Where(kv => kv.Key.StartsWith("envoy/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["envoy/".Length..], kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Folder name of the scenario.</summary>
    public string Name { get; }

    /// <summary>One paragraph describing the cluster and what it demonstrates.</summary>
    public string Description { get; }

    /// <summary>Istio version (informative).</summary>
    public string? IstioVersion { get; }

    /// <summary>Envoy version (informative).</summary>
    public string? EnvoyVersion { get; }

    /// <summary>Findings the doctor must report.</summary>
    public IReadOnlyList<ExpectedFinding> Expect { get; }

    /// <summary>Findings the doctor must not report.</summary>
    public IReadOnlyList<ExpectedFinding> Absent { get; }

    /// <summary>Gateway behaviour by <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, GatewayBehaviour> Gateways { get; }

    /// <summary>Endpoint Picker behaviour by EPP Service <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, EndpointPickerBehaviour> EndpointPickers { get; }

    /// <summary>The behaviour of an EPP (GIE ≥ v0.4, leader election off, when the scenario does not name it).</summary>
    public EndpointPickerBehaviour EndpointPickerBehaviourOf(string ns, string service) =>
        EndpointPickers.TryGetValue($"{ns}/{service}", out var b) ? b : EndpointPickerBehaviour.Default;

    /// <summary>Model behaviour by LLMInferenceService <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, ModelBehaviour> Models { get; }

    /// <summary>Which series Prometheus holds.</summary>
    public MetricsBehaviour Metrics { get; }

    /// <summary>Every Kubernetes object of the bundle (Lists expanded), as read from the files.</summary>
    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Envoy admin files by <c>&lt;namespace&gt;/&lt;pod&gt;/&lt;file&gt;</c> (config_dump.json, stats.txt, clusters.txt, server_info.json).</summary>
    public IReadOnlyDictionary<string, byte[]> EnvoyFiles { get; }

    /// <summary>Every bundle file by its path relative to the bundle directory.</summary>
    public IReadOnlyDictionary<string, byte[]> BundleFiles { get; }

    /// <summary>The behaviour of a gateway (the default when the scenario does not name it).</summary>
    public GatewayBehaviour GatewayBehaviourOf(string ns, string name) =>
        Gateways.TryGetValue($"{ns}/{name}", out var b) ? b : GatewayBehaviour.Default;

    /// <summary>Writes the bundle (design §9 layout) below <paramref name="directory"/>, e.g. for <c>analyze</c>.</summary>
    public void WriteBundle(string directory)
    {
        foreach (var (relative, content) in BundleFiles)
        {
            var path = Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static List<ExpectedFinding> Findings(JsonArray? rows) =>
        [.. (rows ?? []).OfType<JsonObject>().Select(row =>
        {
            var subject = row["subject"] as JsonObject;
            return new ExpectedFinding(
                (string?)row["code"] ?? throw new FormatException("a finding row has no code"),
                subject is null ? null : subject["group"]?.ToString() ?? "",
                subject?["kind"]?.ToString(),
                subject?["namespace"]?.ToString(),
                subject?["name"]?.ToString(),
                row["live"]?.ToString() == "true",
                ((string?)row["why"] ?? "").Trim());
        })];

    private static GatewayBehaviour ParseGateway(JsonObject? o) => new(
        o?["eppTls"]?.ToString() == "untrusted" ? EppTls.Untrusted : EppTls.Trusted,
        o?["requireAuth"]?.ToString() == "true");

    private static EndpointPickerBehaviour ParseEndpointPicker(JsonObject? o) => new(
        !(o?["gie"]?.ToString() is { } gie && System.Text.RegularExpressions.Regex.IsMatch(gie, @"^v?0\.[0-3](\.|$)")),
        o?["leaderElection"]?.ToString() == "true");

    private static ModelBehaviour ParseModel(JsonObject? o) => new(
        o?["vllmErrorShape"]?.ToString() == "flat" ? VllmErrorShape.Flat : VllmErrorShape.Nested,
        o?["servedModelName"]?.ToString(),
        int.TryParse(o?["readyPods"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1,
        int.TryParse(o?["latencyMs"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms : 0);

    private static MetricsBehaviour ParseMetrics(JsonObject? o) => o is null ? MetricsBehaviour.Default : new(
        o["prefix"]?.ToString() ?? "vllm",
        o["dcgm"]?.ToString() != "false",
        o["targetsUp"]?.ToString() != "false",
        o["grafanaDatasourceError"]?.ToString());

    /// <summary>Reads the Kubernetes objects of the bundle files (YAML documents, JSON, Lists), skipping envoy/ and probes/.</summary>
    internal static List<JsonObject> ReadObjects(IReadOnlyDictionary<string, byte[]> files)
    {
        var objects = new List<JsonObject>();
        foreach (var (relative, content) in files.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (relative.Split('/')[0] is "envoy" or "probes" || Path.GetExtension(relative) is not (".yaml" or ".yml" or ".json"))
            {
                continue;
            }

            var text = System.Text.Encoding.UTF8.GetString(content);
            IEnumerable<JsonNode?> documents = Path.GetExtension(relative) == ".json" ? [JsonNode.Parse(text)] : YamlJson.ParseDocuments(text);
            foreach (var document in documents.OfType<JsonObject>())
            {
                if ((string?)document["kind"] == "List" || document["items"] is JsonArray && ((string?)document["kind"])?.EndsWith("List", StringComparison.Ordinal) == true)
                {
                    objects.AddRange(((JsonArray)document["items"]!).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
                }
                else if (document["kind"] is not null && document["apiVersion"] is not null)
                {
                    objects.Add(document);
                }
            }
        }

        return objects;
    }
}
