using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator;

/// <summary>Read access to the bundle's objects: by kind, labels, selectors, the pods behind Services and InferencePools.</summary>
internal sealed class ClusterModel
{
    public const string GatewayNameLabel = "gateway.networking.k8s.io/gateway-name";

    public ClusterModel(IReadOnlyList<JsonObject> objects) => Objects = objects;

    public IReadOnlyList<JsonObject> Objects { get; }

    public IEnumerable<JsonObject> OfKind(string kind, string? groupPrefix = null) =>
        Objects.Where(o => Kind(o) == kind && (groupPrefix is null || Group(o) == groupPrefix));

    public IEnumerable<JsonObject> Gateways => OfKind("Gateway", "gateway.networking.k8s.io");

    public IEnumerable<JsonObject> HttpRoutes => OfKind("HTTPRoute", "gateway.networking.k8s.io");

    public IEnumerable<JsonObject> Pools => OfKind("InferencePool").Where(p => Group(p) is "inference.networking.k8s.io" or "inference.networking.x-k8s.io");

    public JsonObject? Find(string kind, string ns, string name, string? group = null) =>
        OfKind(kind, group).FirstOrDefault(o => Ns(o) == ns && Name(o) == name);

    /// <summary>The gateway's pods (label <c>gateway.networking.k8s.io/gateway-name</c>), as Istio selects them.</summary>
    public IEnumerable<JsonObject> GatewayPods(string ns, string gateway) =>
        OfKind("Pod").Where(p => Ns(p) == ns && Label(p, GatewayNameLabel) == gateway);

    /// <summary>Pods in <paramref name="ns"/> matching an equality selector.</summary>
    public IEnumerable<JsonObject> PodsMatching(string ns, IReadOnlyDictionary<string, string> selector) =>
        selector.Count == 0 ? [] : OfKind("Pod").Where(p => Ns(p) == ns && selector.All(kv => Label(p, kv.Key) == kv.Value));

    /// <summary>The pool's selector: v1 <c>spec.selector.matchLabels</c>, v1alpha2 <c>spec.selector</c> (a plain map).</summary>
    public static Dictionary<string, string> PoolSelector(JsonObject pool)
    {
        var selector = pool["spec"]?["selector"] as JsonObject;
        var map = selector?["matchLabels"] as JsonObject ?? selector;
        return StringMap(map);
    }

    /// <summary>v1 <c>spec.targetPorts[0].number</c>, v1alpha2 <c>spec.targetPortNumber</c>.</summary>
    public static int PoolTargetPort(JsonObject pool) =>
        Int(pool["spec"]?["targetPorts"]?[0]?["number"]) ?? Int(pool["spec"]?["targetPortNumber"]) ?? 8000;

    /// <summary>The EPP Service and port: v1 <c>endpointPickerRef{name, port.number}</c>, v1alpha2 <c>extensionRef{name, portNumber}</c> (default 9002).</summary>
    public static (string Service, int Port, bool FailOpen)? PoolEndpointPicker(JsonObject pool)
    {
        var spec = pool["spec"];
        var reference = spec?["endpointPickerRef"] ?? spec?["extensionRef"];
        if ((string?)reference?["name"] is not { Length: > 0 } name)
        {
            return null;
        }

        var port = Int(reference["port"]?["number"]) ?? Int(reference["portNumber"]) ?? 9002;
        return (name, port, (string?)reference["failureMode"] == "FailOpen");
    }

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");

    public static string? PodIp(JsonObject pod) => (string?)pod["status"]?["podIP"];

    public static string Kind(JsonObject o) => (string?)o["kind"] ?? "";

    public static string ApiVersion(JsonObject o) => (string?)o["apiVersion"] ?? "";

    public static string Group(JsonObject o) => ApiVersion(o) is var v && v.Contains('/', StringComparison.Ordinal) ? v[..v.IndexOf('/', StringComparison.Ordinal)] : "";

    public static string Name(JsonObject o) => (string?)o["metadata"]?["name"] ?? "";

    public static string Ns(JsonObject o) => (string?)o["metadata"]?["namespace"] ?? "";

    public static string? Label(JsonObject o, string key) => (string?)o["metadata"]?["labels"]?[key];

    public static Dictionary<string, string> StringMap(JsonObject? map) =>
        map?.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString(), StringComparer.Ordinal) ?? [];

    public static int? Int(JsonNode? node) =>
        node is JsonValue v && int.TryParse(v.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
}
