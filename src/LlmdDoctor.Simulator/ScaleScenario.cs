using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Simulator;

/// <summary>
/// A generated fleet, <c>scale-&lt;G&gt;x&lt;M&gt;</c>: the <c>healthy</c> scenario's single gateway and single model
/// multiplied into G gateways (<c>gw-001</c>…) and M model namespaces (<c>model-01</c>…), every model attached to every
/// gateway. Each copy is the template's objects with the names and pod IPs rewritten; each gateway's Envoy files (config
/// dump, stats, clusters) carry the template's routes and clusters once per model, as istiod would push them. So a
/// gateway has M × 3 routes (chat and completions through the InferencePool, the prefix route to the workload Service)
/// and the doctor plans G × M probe groups. Each gateway's listener has its own hostname
/// (<c>gw-001.apps.llmd-sim.example.com</c>…), so requests must carry it as Host (and SNI). Like <c>healthy</c>, the
/// doctor must report nothing.
/// </summary>
public static partial class ScaleScenario
{
    /// <summary>The template scenario.</summary>
    public const string Template = "healthy";

    private const string TemplateNamespace = "my-first-model";
    private const string TemplateGateway = "openshift-ai-inference";
    private const string GatewayNamespace = "openshift-ingress";
    private const string VllmPodIp = "10.130.2.9";
    private const string PickerPodIp = "10.128.2.41";
    private const string GatewayPodIp = "10.128.2.14";
    private const int MaxModels = 250;
    private const int MaxGateways = 1000;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gateway names of a generated fleet, in order.</summary>
    public static string GatewayName(int index) => $"gw-{index:D3}";

    /// <summary>Model namespace names of a generated fleet, in order.</summary>
    public static string ModelNamespace(int index) => $"model-{index:D2}";

    /// <summary>Parses <c>scale-&lt;G&gt;x&lt;M&gt;</c>; null when <paramref name="name"/> is not of that form.</summary>
    public static (int Gateways, int Models)? ParseName(string name)
    {
        var match = NamePattern().Match(name);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Generates the fleet.</summary>
    /// <param name="gateways">Gateways, 1–1000.</param>
    /// <param name="models">Models (one namespace each, one vLLM pod and one EPP each), 1–250.</param>
    /// <param name="latencyMs">vLLM answer latency in milliseconds (behaviour <c>latencyMs</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static Scenario Generate(int gateways, int models, int latencyMs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gateways, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gateways, MaxGateways);
        ArgumentOutOfRangeException.ThrowIfLessThan(models, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(models, MaxModels);
        ArgumentOutOfRangeException.ThrowIfNegative(latencyMs);

        var template = ScenarioCatalog.Load(Template);
        var fleet = new Fleet(gateways, models);
        var objects = new List<JsonObject>();
        foreach (var o in template.Objects)
        {
            var ns = (string?)o["metadata"]?["namespace"];
            if (ns == TemplateNamespace || ((string?)o["kind"] == "Namespace" && (string?)o["metadata"]?["name"] == TemplateNamespace))
            {
                objects.AddRange(Enumerable.Range(1, models).Select(i => fleet.AttachToEveryGateway(fleet.ForModel(o, i))));
            }
            else if (ns == GatewayNamespace)
            {
                objects.AddRange(Enumerable.Range(1, gateways).Select(j => fleet.ForGateway(o, j)));
            }
            else
            {
                // Elsewhere (a Grafana dashboard's queries) the template namespace becomes the first model's.
                objects.Add(fleet.ForModel(o, 1));
            }
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var group in objects.GroupBy(o => (string?)o["metadata"]?["namespace"] ?? "cluster"))
        {
            var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. group.Select(o => o.DeepClone())]) };
            files[$"{group.Key}/objects.json"] = Encoding.UTF8.GetBytes(list.ToJsonString(Compact));
        }

        foreach (var (relative, content) in template.EnvoyFiles)
        {
            var parts = relative.Split('/');
            if (parts.Length != 3 || parts[0] != GatewayNamespace)
            {
                continue;
            }

            for (var j = 1; j <= gateways; j++)
            {
                files[$"envoy/{GatewayNamespace}/{parts[1].Replace(TemplateGateway, GatewayName(j), StringComparison.Ordinal)}/{parts[2]}"] =
                    fleet.EnvoyFile(parts[2], content, j);
            }
        }

        var name = $"scale-{gateways}x{models}";
        var spec = new JsonObject
        {
            ["name"] = name,
            ["description"] = $"Generated from '{Template}': {gateways} gateways x {models} models, every model attached to every gateway; "
                + $"vLLM answers after {latencyMs} ms. The doctor must report nothing.",
            ["istioVersion"] = template.IstioVersion,
            ["envoyVersion"] = template.EnvoyVersion,
            ["expect"] = new JsonArray(),
            ["absent"] = new JsonArray([.. template.Absent.Where(a => a.Name is null)
                .Select(a => (JsonNode)new JsonObject { ["code"] = a.Code, ["live"] = a.Live, ["why"] = a.Why })]),
            ["behaviour"] = new JsonObject
            {
                ["models"] = new JsonObject(template.Models.Where(kv => kv.Key.StartsWith(TemplateNamespace + "/", StringComparison.Ordinal))
                    .SelectMany(kv => Enumerable.Range(1, models).Select(i => KeyValuePair.Create<string, JsonNode?>(
                        ModelNamespace(i) + kv.Key[TemplateNamespace.Length..],
                        new JsonObject
                        {
                            ["vllmErrorShape"] = kv.Value.ErrorShape == VllmErrorShape.Flat ? "flat" : "nested",
                            ["servedModelName"] = kv.Value.ServedModelName,
                            ["readyPods"] = kv.Value.ReadyPods,
                            ["latencyMs"] = latencyMs,
                        })))),
                ["metrics"] = new JsonObject
                {
                    ["prefix"] = template.Metrics.Prefix,
                    ["dcgm"] = template.Metrics.Dcgm,
                    ["targetsUp"] = template.Metrics.TargetsUp,
                },
            },
        };
        return new Scenario(name, spec, Scenario.ReadObjects(files), files);
    }

    [GeneratedRegex(@"^scale-(\d{1,4})x(\d{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>The class name must survive renaming the gateway (the class and the template gateway share a name).</summary>
    [GeneratedRegex("((?:gatewayClassName|gateway-class-name)\"?\\s*:\\s*\"?)gw-\\d{3}", RegexOptions.CultureInvariant)]
    private static partial Regex GatewayClassReference();

    /// <summary>Rewrites template names and pod IPs for one model or one gateway of the fleet.</summary>
    private sealed class Fleet(int gateways, int models)
    {
        public string ModelText(string text, int i) => ReplaceIp(ReplaceIp(text.Replace(TemplateNamespace, ModelNamespace(i), StringComparison.Ordinal),
            VllmPodIp, $"10.130.{i}.9"), PickerPodIp, $"10.129.{i}.41");

        public string GatewayText(string text, int j) => ReplaceIp(
            GatewayClassReference().Replace(text.Replace(TemplateGateway, GatewayName(j), StringComparison.Ordinal), "$1" + TemplateGateway),
            GatewayPodIp, $"10.127.{j / 250}.{(j % 250) + 1}");

        public JsonObject ForModel(JsonObject o, int i) => (JsonObject)JsonNode.Parse(ModelText(o.ToJsonString(Compact), i))!;

        public JsonObject ForGateway(JsonObject o, int j)
        {
            var copy = (JsonObject)JsonNode.Parse(GatewayText(o.ToJsonString(Compact), j))!;
            if ((string?)copy["kind"] == "Gateway")
            {
                foreach (var listener in (copy["status"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    listener["attachedRoutes"] = models;
                }

                // Each gateway of the fleet answers on its own hostname, so a request (a probe) must carry it.
                foreach (var listener in (copy["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    listener["hostname"] = $"{GatewayName(j)}.{SimulatorCertificates.GatewayDomain}";
                }
            }

            return copy;
        }

        /// <summary>Every list entry naming the template gateway (parentRefs, status.parents, router gateway refs) becomes one entry per gateway.</summary>
        public JsonObject AttachToEveryGateway(JsonObject o)
        {
            Multiply(o, (_, item) => RefersToTemplateGateway(item), gateways, GatewayText);
            return o;
        }

        public byte[] EnvoyFile(string file, byte[] content, int j)
        {
            var text = Encoding.UTF8.GetString(content);
            if (file == "config_dump.json")
            {
                // Clusters and routes of the template model appear once per model, as istiod pushes one set per HTTPRoute and Service.
                var dump = JsonNode.Parse(text)!;
                Multiply(dump, (key, item) => key is "dynamic_active_clusters" or "routes" && item?.ToJsonString(Compact).Contains(TemplateNamespace, StringComparison.Ordinal) == true,
                    models, ModelText);
                text = dump.ToJsonString(Compact);
            }
            else if (file is "stats.txt" or "clusters.txt")
            {
                var lines = new StringBuilder();
                foreach (var line in text.Split('\n'))
                {
                    if (!line.Contains(TemplateNamespace, StringComparison.Ordinal))
                    {
                        lines.Append(line).Append('\n');
                        continue;
                    }

                    for (var i = 1; i <= models; i++)
                    {
                        lines.Append(ModelText(line, i)).Append('\n');
                    }
                }

                text = lines.ToString().TrimEnd('\n') + (text.EndsWith('\n') ? "\n" : "");
            }

            return Encoding.UTF8.GetBytes(GatewayText(text, j));
        }

        /// <summary>
        /// Walks <paramref name="node"/>; in every list (under property <c>key</c>) each entry <paramref name="selects"/>
        /// takes is replaced by <paramref name="count"/> copies, copy <c>i</c> rewritten by <paramref name="rewrite"/>(text, i).
        /// </summary>
        private static void Multiply(JsonNode? node, Func<string?, JsonNode?, bool> selects, int count, Func<string, int, string> rewrite, string? key = null)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        Multiply(value, selects, count, rewrite, name);
                    }

                    break;
                case JsonArray array:
                    var items = array.ToList();
                    if (!items.Any(item => selects(key, item)))
                    {
                        foreach (var item in items)
                        {
                            Multiply(item, selects, count, rewrite);
                        }

                        break;
                    }

                    array.Clear();
                    foreach (var item in items)
                    {
                        if (!selects(key, item))
                        {
                            array.Add(item);
                            continue;
                        }

                        var text = item!.ToJsonString(Compact);
                        for (var i = 1; i <= count; i++)
                        {
                            array.Add(JsonNode.Parse(rewrite(text, i)));
                        }
                    }

                    break;
            }
        }

        private static bool RefersToTemplateGateway(JsonNode? item) =>
            item is JsonObject o && ((((string?)o["name"]) == TemplateGateway && ((string?)o["kind"] ?? "Gateway") == "Gateway")
                || (string?)o["parentRef"]?["name"] == TemplateGateway);

        private static string ReplaceIp(string text, string from, string to) =>
            Regex.Replace(text, @"(?<![0-9.])" + Regex.Escape(from) + @"(?![0-9])", to, RegexOptions.CultureInvariant);
    }
}
