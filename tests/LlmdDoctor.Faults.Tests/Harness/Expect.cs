using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>Assertions on a doctor outcome that say what was expected and show what came instead.</summary>
public static class Expect
{
    /// <summary>A finding with <paramref name="code"/> whose evidence <paramref name="key"/> contains <paramref name="text"/> (case-insensitive).</summary>
    public static ReportFinding Finding(DoctorOutcome outcome, string code, string key, string text)
    {
        Assert.True(outcome.ExitCode is 0 or 1, outcome.ToString());
        return InReport(outcome, code, key, text);
    }

    /// <summary>As <see cref="Finding"/>, whatever the exit code (a run that could not read the cluster still prints its report).</summary>
    public static ReportFinding InReport(DoctorOutcome outcome, string code, string key, string text)
    {
        var match = outcome.Findings(code).FirstOrDefault(f =>
            f.Evidence.TryGetValue(key, out var v) && v.Contains(text, StringComparison.OrdinalIgnoreCase));
        Assert.True(match is not null,
            $"expected {code} with evidence {key} containing '{text}'; got:\n{Describe(outcome.Report)}");
        return match!;
    }

    public static void NoFinding(DoctorOutcome outcome, string code, Func<ReportFinding, bool>? where = null)
    {
        Assert.True(outcome.ExitCode is 0 or 1, outcome.ToString());
        var found = outcome.Findings(code).Where(where ?? (_ => true)).ToList();
        Assert.True(found.Count == 0, $"expected no {code}; got:\n{Describe(outcome.Report)}");
    }

    /// <summary>A check skipped with a reason that contains <paramref name="text"/>.</summary>
    public static void Skipped(DoctorOutcome outcome, string check, string text)
    {
        Assert.True(outcome.ExitCode is 0 or 1, outcome.ToString());
        Assert.True(outcome.Report.Skipped.Any(s => s.Check == check && s.Reason.Contains(text, StringComparison.OrdinalIgnoreCase)),
            $"expected {check} skipped with '{text}'; skipped:\n{string.Join("\n", outcome.Report.Skipped.Select(s => $"{s.Check}: {s.Reason}"))}");
    }

    public static void Exit(DoctorOutcome outcome, int code, params string[] messageParts)
    {
        Assert.True(outcome.ExitCode == code, $"expected exit {code}; {outcome}");
        foreach (var part in messageParts)
        {
            Assert.True(outcome.Error.Contains(part, StringComparison.OrdinalIgnoreCase), $"expected stderr to contain '{part}'; {outcome}");
        }
    }

    /// <summary>No check crashed: a fault in the input must never become LLMD0001.</summary>
    public static void NoCrash(DoctorOutcome outcome) => NoFinding(outcome, "LLMD0001");

    public static string Describe(Report report) => string.Join("\n", report.Findings.Select(f =>
        $"  {f.Code} {f.Subject.Kind} {f.Subject.Namespace}/{f.Subject.Name} {string.Join(" ", f.Evidence.Select(e => $"{e.Key}={Short(e.Value)}"))}"));

    private static string Short(string s) => s.Length > 160 ? s[..160] + "…" : s;
}
