using System.Reflection;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Simulator;

/// <summary>The scenarios embedded in this assembly (src/LlmdDoctor.Simulator/Scenarios/&lt;name&gt;/).</summary>
public static class ScenarioCatalog
{
    private const string Prefix = "scenarios/";
    private static readonly Assembly Self = typeof(ScenarioCatalog).Assembly;

    /// <summary>Names of every scenario, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Self.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith("/scenario.yaml", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^"/scenario.yaml".Length])
            .Order(StringComparer.Ordinal)];

    /// <summary>Loads a scenario by name: an embedded one, or a generated fleet <c>scale-&lt;gateways&gt;x&lt;models&gt;</c> (<see cref="ScaleScenario"/>).</summary>
    /// <exception cref="ArgumentException">No scenario has that name (the message lists the known ones), or a fleet size is out of range.</exception>
    public static Scenario Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ScaleScenario.ParseName(name) is var (gateways, models))
        {
            try
            {
                return ScaleScenario.Generate(gateways, models);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new ArgumentException($"scenario \"{name}\": {ex.ParamName} must be {(ex.ParamName == "gateways" ? "1-1000" : "1-250")}", nameof(name), ex);
            }
        }

        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown scenario \"{name}\"; known scenarios: {string.Join(", ", Names)}, or scale-<gateways>x<models> (generated from {ScaleScenario.Template})", nameof(name));
        }

        var spec = YamlJson.ParseDocuments(ReadText($"{Prefix}{name}/scenario.yaml")).OfType<JsonObject>().FirstOrDefault()
            ?? throw new FormatException($"scenario {name}: scenario.yaml is empty");
        var bundlePrefix = $"{Prefix}{name}/bundle/";
        var files = Self.GetManifestResourceNames()
            .Where(n => n.StartsWith(bundlePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[bundlePrefix.Length..], ReadBytes, StringComparer.Ordinal);
        return new Scenario(name, spec, Scenario.ReadObjects(files), files);
    }

    private static string ReadText(string resource) => System.Text.Encoding.UTF8.GetString(ReadBytes(resource));

    private static byte[] ReadBytes(string resource)
    {
        using var stream = Self.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"resource {resource} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
