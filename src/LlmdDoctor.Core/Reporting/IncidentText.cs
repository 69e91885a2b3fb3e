namespace LlmdDoctor.Core.Reporting;

/// <summary>One line of an incident's findings: a code on a subject, its repeats (one per route) collapsed.</summary>
public sealed record IncidentEntry(ReportIncidentFinding Entry, ReportFinding First, bool IsRoot)
{
    public string Subject => SubjectText(Entry.Subject);

    public static string SubjectText(ReportSubject s) => $"{s.Kind} {(s.Namespace.Length > 0 ? s.Namespace + "/" : "")}{s.Name}";
}

/// <summary>
/// How the renderers read incidents out of a report (a pure function of it): the chain as <c>0204 → 0301 → 0401</c>,
/// and each incident's findings as collapsed entries, root first.
/// </summary>
public static class IncidentText
{
    /// <summary><c>0204 → 0301 → 0401</c>: the codes without their <c>LLMD</c> prefix.</summary>
    public static string Chain(IEnumerable<string> codes) =>
        string.Join(" → ", codes.Select(c => c.StartsWith("LLMD", StringComparison.Ordinal) ? c[4..] : c));

    /// <summary>The root, then each symptom entry, with the first report finding each one stands for.</summary>
    public static IReadOnlyList<IncidentEntry> Entries(Report report, ReportIncident incident)
    {
        var mine = report.Findings.Where(f => f.Incident == incident.Id).ToList();
        var entries = new List<IncidentEntry>();
        foreach (var (entry, isRoot) in incident.Symptoms.Select(s => (s, false)).Prepend((incident.Root, true)))
        {
            var first = mine.FirstOrDefault(f => Same(f, entry) && (entry.Routes is null || entry.Routes.Any(r => (f.Evidence.GetValueOrDefault("route") ?? "").Contains(r, StringComparison.Ordinal))))
                ?? mine.FirstOrDefault(f => Same(f, entry));
            if (first is not null)
            {
                entries.Add(new IncidentEntry(entry, first, isRoot));
            }
        }

        return entries;
    }

    /// <summary>Findings of the report that no incident of it holds (a report written before incidents existed).</summary>
    public static IReadOnlyList<ReportFinding> Unassigned(Report report)
    {
        var ids = report.Incidents.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        return [.. report.Findings.Where(f => !ids.Contains(f.Incident))];
    }

    /// <summary>Where else the incident shows: the gateways and models it affects, when they are not just the root's subject.</summary>
    public static string Affected(ReportIncident incident)
    {
        var parts = new List<string>();
        var rootGateway = incident.Root.Subject.Kind == "Gateway" ? $"{incident.Root.Subject.Namespace}/{incident.Root.Subject.Name}" : null;
        var gateways = incident.Gateways.Where(g => g != rootGateway).ToList();
        if (gateways.Count > 0)
        {
            parts.Add((gateways.Count == 1 ? "gateway " : "gateways ") + string.Join(", ", gateways));
        }

        if (incident.Models.Count > 0)
        {
            parts.Add((incident.Models.Count == 1 ? "model " : "models ") + string.Join(", ", incident.Models));
        }

        return string.Join(" · ", parts);
    }

    private static bool Same(ReportFinding f, ReportIncidentFinding e) =>
        f.Code == e.Code && f.Subject.Kind == e.Subject.Kind && f.Subject.Namespace == e.Subject.Namespace && f.Subject.Name == e.Subject.Name;
}
