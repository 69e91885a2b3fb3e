using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Tests;

/// <summary>A scenario's declared findings (scenario.yaml <c>expect</c> / <c>absent</c>).</summary>
public sealed record ExpectedFinding(string Code, string? Kind, string? Namespace, string? Name, bool Live, string Why)
{
    public bool Matches(string code, string kind, string ns, string name) =>
        code == Code && (Kind is null || Kind == kind) && (Name is null || (Name == name && (Namespace ?? "") == ns));

    public override string ToString() => $"{Code} {Kind} {Namespace}/{Name}";
}

public static class ScenarioExpectations
{
    public static (IReadOnlyList<ExpectedFinding> Expect, IReadOnlyList<ExpectedFinding> Absent) Load(string scenario)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repository.Scenario(scenario), "scenario.yaml"))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return (Read(root, "expect"), Read(root, "absent"));
    }

    private static List<ExpectedFinding> Read(YamlMappingNode root, string key)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node) || node is not YamlSequenceNode seq)
        {
            return [];
        }

        return [.. seq.Children.OfType<YamlMappingNode>().Select(m =>
        {
            string? S(YamlMappingNode n, string k) => n.Children.TryGetValue(new YamlScalarNode(k), out var v) && v is YamlScalarNode s ? s.Value : null;
            var subject = m.Children.TryGetValue(new YamlScalarNode("subject"), out var sub) ? sub as YamlMappingNode : null;
            return new ExpectedFinding(
                S(m, "code")!,
                subject is null ? null : S(subject, "kind"),
                subject is null ? null : S(subject, "namespace"),
                subject is null ? null : S(subject, "name"),
                S(m, "live") == "true",
                S(m, "why") ?? "");
        })];
    }
}
