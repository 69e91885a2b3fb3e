using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Deploy.Tests;

/// <summary>One overlay as <c>kubectl kustomize</c> renders it, parsed document by document.</summary>
internal sealed class Manifests
{
    private static readonly Dictionary<string, Lazy<Manifests>> Cache = new(StringComparer.Ordinal)
    {
        ["openshift"] = new(() => Render("openshift", "deploy/overlays/openshift")),
        ["kubernetes"] = new(() => Render("kubernetes", "deploy/overlays/kubernetes")),
    };

    private static readonly Lazy<Manifests> GrafanaDashboard = new(() => Render("grafana", "deploy/grafana"));

    private Manifests(string overlay, IReadOnlyList<YamlMappingNode> objects)
    {
        Overlay = overlay;
        Objects = objects;
    }

    public static IEnumerable<object[]> Overlays => Cache.Keys.Select(k => new object[] { k });

    public string Overlay { get; }

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public static Manifests Of(string overlay) => Cache[overlay].Value;

    /// <summary>deploy/grafana: the doctor's own dashboard for grafana-operator, applied on its own.</summary>
    public static Manifests Grafana => GrafanaDashboard.Value;

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    public YamlMappingNode Single(string kind, string name)
    {
        var matches = OfKind(kind).Where(o => o.Str("metadata", "name") == name).ToList();
        Assert.True(matches.Count == 1, $"{Overlay}: expected one {kind} {name}, found {matches.Count}");
        return matches[0];
    }

    private static Manifests Render(string overlay, string folder)
    {
        var (code, stdout, stderr) = Tools.Run(Tools.Kubectl, Tools.RepoRoot, "kustomize", folder);
        Assert.True(code == 0, $"kubectl kustomize {folder} failed ({code}): {stderr}");
        var stream = new YamlStream();
        stream.Load(new StringReader(stdout));
        var objects = stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
        Assert.NotEmpty(objects);
        return new Manifests(overlay, objects);
    }
}

/// <summary>Small, strict accessors over the YAML tree.</summary>
internal static class Yaml
{
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Str(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Seq(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children.ToList() : [];

    public static IReadOnlyList<string> Strings(this YamlNode node, params string[] path) =>
        [.. node.Seq(path).Select(n => ((YamlScalarNode)n).Value!)];

    public static IReadOnlyDictionary<string, string> StringMap(this YamlNode node, params string[] path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
