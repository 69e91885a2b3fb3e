using System.Text.Json;
using LlmdDoctor.Simulator;

namespace LlmdDoctor.Tests;

/// <summary>Reads findings out of a JSON report and matches them against a scenario's declarations.</summary>
public static class ScenarioMatch
{
    public sealed record Reported(string Code, string Kind, string Ns, string Name, string Severity);

    public static List<Reported> Findings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f =>
        {
            var s = f.GetProperty("subject");
            return new Reported(f.GetProperty("code").GetString()!, s.GetProperty("kind").GetString()!, s.GetProperty("namespace").GetString()!,
                s.GetProperty("name").GetString()!, f.GetProperty("severity").GetString()!);
        })];
    }

    public static bool Matches(ExpectedFinding e, Reported f) =>
        f.Code == e.Code && (e.Kind is null || e.Kind == f.Kind) && (e.Name is null || (e.Name == f.Name && (e.Namespace ?? "") == f.Ns));

    public static string Describe(ExpectedFinding e) => $"{e.Code} {e.Kind} {e.Namespace}/{e.Name} ({e.Why})";

    /// <summary>Asserts every expected finding (optionally only the non-live ones) is reported and no absent one is.</summary>
    public static void AssertDeclared(string scenario, List<Reported> findings, bool includeLive)
    {
        var declared = ScenarioCatalog.Load(scenario);
        foreach (var e in declared.Expect.Where(e => includeLive || !e.Live))
        {
            Assert.True(findings.Any(f => Matches(e, f)), $"{scenario}: expected {Describe(e)}; got {string.Join(", ", findings.Select(f => $"{f.Code} {f.Name}"))}");
        }

        foreach (var a in declared.Absent)
        {
            Assert.False(findings.Any(f => Matches(a, f)), $"{scenario}: must not report {Describe(a)}");
        }
    }
}
