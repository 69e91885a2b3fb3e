using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Corpus;

/// <summary>
/// `analyze` over artifacts the upstream projects publish (tests/Corpus): the expected findings, no critical the
/// expectation rules out, the flows it names. This is the check against material we did not write.
/// </summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Cases() => [.. CorpusCase.Names()];

    [Fact]
    public void The_corpus_holds_at_least_the_upstream_sources_issue_15_names()
    {
        var names = CorpusCase.Names();
        Assert.True(names.Count(n => n.StartsWith("gie-", StringComparison.Ordinal)) >= 2, "GIE getting-started manifests of two releases");
        Assert.Contains(names, n => n.StartsWith("istio-testdata-", StringComparison.Ordinal));
        Assert.True(names.Count(n => n.StartsWith("kserve-", StringComparison.Ordinal)) >= 2, "KServe route templates of two generations");
        Assert.Contains(names, n => n.StartsWith("llm-d-", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("envoy-gateway-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_case_names_its_sources_and_keeps_the_upstream_licence(string name)
    {
        var dir = Path.Combine(CorpusCase.Root, name);
        var sources = File.ReadAllText(Path.Combine(dir, "SOURCES.md"));
        Assert.True(File.Exists(Path.Combine(dir, "LICENSE")), $"{name}: LICENSE of the upstream project is missing");
        Assert.Matches("[0-9a-f]{40}", sources);
        var upstream = Path.Combine(dir, "upstream");
        var kept = Directory.EnumerateFiles(Path.Combine(dir, "bundle"), "*", SearchOption.AllDirectories)
            .Concat(Directory.Exists(upstream) ? Directory.EnumerateFiles(upstream, "*", SearchOption.AllDirectories) : []);
        foreach (var file in kept)
        {
            var relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
            Assert.True(sources.Contains(relative, StringComparison.Ordinal), $"{name}: SOURCES.md does not say where {relative} comes from");
        }
    }

    /// <summary>
    /// An upstream file that is not a Kubernetes object (a Grafana dashboard JSON) is kept verbatim under
    /// <c>upstream/</c> and reaches the bundle wrapped the way its project loads it (a ConfigMap, made by a tools/
    /// script): the wrapped copy must hold the upstream text byte for byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_upstream_file_a_bundle_wraps_is_carried_unchanged(string name)
    {
        var dir = Path.Combine(CorpusCase.Root, name);
        var upstream = Path.Combine(dir, "upstream");
        if (!Directory.Exists(upstream))
        {
            return;
        }

        var carried = Directory.EnumerateFiles(Path.Combine(dir, "bundle"), "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => YamlJson.ParseDocuments(File.ReadAllText(f)).OfType<JsonObject>())
            .Where(o => (string?)o["kind"] == "ConfigMap" && o["data"] is JsonObject)
            .SelectMany(o => o["data"]!.AsObject())
            .ToLookup(d => d.Key, d => (string?)d.Value, StringComparer.Ordinal);
        var files = Directory.GetFiles(upstream);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var key = Path.GetFileName(file);
            Assert.True(carried.Contains(key), $"{name}: no ConfigMap in bundle/ carries upstream/{key}");
            Assert.All(carried[key], text => Assert.True(text == File.ReadAllText(file), $"{name}: the ConfigMap copy of upstream/{key} differs from the upstream file"));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Analyze_reports_what_the_expectation_requires_and_no_false_critical(string name)
    {
        var corpus = CorpusCase.Load(name);
        var result = await CliRunner.RunAsync(["analyze", corpus.Bundle, "-o", "json", "--fail-on", "none"]);
        Assert.True(result.ExitCode == 0, $"{name}: analyze exited {result.ExitCode}: {result.Error}");
        var findings = ScenarioMatch.Findings(result.Out);
        string Got() => string.Join("; ", findings.Select(f => $"{f.Severity} {f.Code} {f.Kind} {f.Ns}/{f.Name}"));

        foreach (var e in corpus.Expect.Report)
        {
            var reported = findings.Any(e.Matches);
            if (e.Pending is null)
            {
                Assert.True(reported, $"{name}: expected {e}; got {Got()}");
            }
            else
            {
                Assert.False(reported, $"{name}: {e} is now reported — remove `pending: {e.Pending}` from its expect.yaml");
            }
        }

        foreach (var k in corpus.Expect.KnownFalse)
        {
            Assert.True(findings.Any(k.Matches), $"{name}: the known false finding {k} is gone — remove it from knownFalse in expect.yaml");
        }

        bool Known(ScenarioMatch.Reported f) => corpus.Expect.KnownFalse.Any(k => k.Matches(f));
        var falseCriticals = findings.Where(f => f.Severity == "critical" && !corpus.Expect.CriticalsAllowed.Contains(f.Code) && !Known(f)).ToList();
        Assert.True(falseCriticals.Count == 0, $"{name}: criticals the expectation rules out: {string.Join("; ", falseCriticals.Select(f => $"{f.Code} {f.Kind} {f.Ns}/{f.Name}"))}");
        var forbidden = findings.Where(f => corpus.Expect.MustNotReport.Contains(f.Code) && !Known(f)).ToList();
        Assert.True(forbidden.Count == 0, $"{name}: must not report {string.Join("; ", forbidden.Select(f => $"{f.Code} {f.Ns}/{f.Name}"))}");

        var flows = JsonNode.Parse(result.Out)!["flows"]!.AsArray().OfType<JsonObject>().ToList();
        foreach (var expected in corpus.Expect.Flows)
        {
            var pending = (string?)expected["pending"];
            var shown = flows.Any(f => expected.Where(p => p.Key != "pending").All(p => f[p.Key]?.ToJsonString() == p.Value?.ToJsonString()));
            if (pending is null)
            {
                Assert.True(shown, $"{name}: no flow {expected.ToJsonString()}; flows: {string.Join("; ", flows.Select(f => f.ToJsonString(new JsonSerializerOptions())))}");
            }
            else
            {
                Assert.False(shown, $"{name}: flow {expected.ToJsonString()} is now shown — remove its `pending: {pending}`");
            }
        }
    }
}
