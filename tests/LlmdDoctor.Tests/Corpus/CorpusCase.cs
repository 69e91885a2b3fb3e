using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Tests.Corpus;

/// <summary>
/// One folder of tests/Corpus: upstream artifacts kept verbatim under <c>bundle/</c>, their provenance in
/// SOURCES.md, the upstream licence, and <c>expect.yaml</c> — what `analyze` of the bundle must and must not report.
/// </summary>
public sealed record CorpusCase(string Name, string Directory, CorpusExpectation Expect)
{
    public static string Root => Path.Combine(Repository.Root, "tests", "Corpus");

    public string Bundle => Path.Combine(Directory, "bundle");

    public static IReadOnlyList<string> Names() =>
        [.. System.IO.Directory.GetDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, "expect.yaml")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];

    public static CorpusCase Load(string name)
    {
        var dir = Path.Combine(Root, name);
        var doc = YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(dir, "expect.yaml"))).OfType<JsonObject>().Single();
        return new CorpusCase(name, dir, CorpusExpectation.From(doc));
    }
}

/// <summary>A finding an expectation names: the code and, when given, the subject it is about.</summary>
public sealed record ExpectedCorpusFinding(string Code, string? Kind, string? Namespace, string? Name, string Why, string? Pending)
{
    public bool Matches(ScenarioMatch.Reported f) =>
        f.Code == Code && (Kind is null || Kind == f.Kind) && (Namespace is null || Namespace == f.Ns) && (Name is null || Name == f.Name);

    public override string ToString() => $"{Code} {Kind} {Namespace}/{Name} ({Why})";

    public static ExpectedCorpusFinding From(JsonNode? node)
    {
        var o = node as JsonObject ?? throw new FormatException("an expectation entry must be a mapping");
        return new ExpectedCorpusFinding(
            (string?)o["code"] ?? throw new FormatException("an expectation entry has no code"),
            (string?)o["kind"], (string?)o["namespace"], (string?)o["name"],
            (string?)o["why"] ?? throw new FormatException($"expectation {(string?)o["code"]} says no why"),
            (string?)o["pending"]);
    }
}

/// <summary>
/// <c>report</c>: findings that must be reported (an entry with <c>pending</c> is one the doctor still misses: the test
/// asserts it is still missing, so whoever fixes it must move it). <c>criticalsAllowed</c>: the only codes that may be
/// critical — any other critical is a false critical. <c>mustNotReport</c>: codes that must not appear at all.
/// <c>knownFalse</c>: findings the doctor still reports wrongly (each with the issue that fixes it); they are
/// exempt from the two rules above, and the test asserts they still happen. <c>flows</c>: request flows the report
/// must show (gateway, route, backend; optional path).
/// </summary>
public sealed record CorpusExpectation(
    IReadOnlyList<ExpectedCorpusFinding> Report,
    IReadOnlyList<string> CriticalsAllowed,
    IReadOnlyList<string> MustNotReport,
    IReadOnlyList<ExpectedCorpusFinding> KnownFalse,
    IReadOnlyList<JsonObject> Flows)
{
    public static CorpusExpectation From(JsonObject o)
    {
        static IEnumerable<JsonNode?> List(JsonNode? n) => n is JsonArray a ? a : [];
        var known = new HashSet<string> { "report", "criticalsAllowed", "mustNotReport", "knownFalse", "flows" };
        foreach (var key in o.Select(p => p.Key).Where(k => !known.Contains(k)))
        {
            throw new FormatException($"expect.yaml: unknown key {key}");
        }

        return new CorpusExpectation(
            [.. List(o["report"]).Select(ExpectedCorpusFinding.From)],
            [.. List(o["criticalsAllowed"]).Select(n => (string?)n ?? throw new FormatException("criticalsAllowed holds a non-string"))],
            [.. List(o["mustNotReport"]).Select(n => (string?)n ?? throw new FormatException("mustNotReport holds a non-string"))],
            [.. List(o["knownFalse"]).Select(ExpectedCorpusFinding.From)],
            [.. List(o["flows"]).OfType<JsonObject>()]);
    }
}
