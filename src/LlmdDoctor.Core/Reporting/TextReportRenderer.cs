using System.Text;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Core.Reporting;

/// <summary>
/// Renders a report for a terminal: grouped by severity, aligned, colour only when asked for. Every string the cluster
/// supplied passes <see cref="ClusterText.Visible"/>: the only control sequences in the output are the doctor's colours.
/// </summary>
public static class TextReportRenderer
{
    private const string Reset = "\u001b[0m";

    public static string Render(Report report, bool colour = false)
    {
        var s = new StringBuilder();
        s.Append("llm-d doctor · ").Append(ClusterText.Visible(report.Source.Kind)).Append(' ').Append(ClusterText.Visible(report.Source.Name))
            .Append(" · ").Append(report.GeneratedAt).Append('\n');
        var sum = report.Summary;
        s.Append(sum.Critical).Append(" critical, ").Append(sum.Warning).Append(" warning, ").Append(sum.Info)
            .Append(" info · ").Append(sum.ChecksRun).Append(" checks run, ").Append(sum.ChecksSkipped).Append(" skipped\n");

        AppendIncidents(s, report, colour);

        var unassigned = IncidentText.Unassigned(report);
        foreach (var severity in new[] { "critical", "warning", "info" })
        {
            var group = unassigned.Where(f => f.Severity == severity).ToList();
            if (group.Count == 0)
            {
                continue;
            }

            s.Append('\n').Append(Paint(severity.ToUpperInvariant(), severity, colour)).Append('\n');
            foreach (var f in group)
            {
                AppendFinding(s, f, null, null);
                AppendRunbook(s, f.RunbookUrl, f.ExplainCommand);
            }
        }

        if (report.Findings.Count == 0)
        {
            s.Append('\n').Append(Paint("No findings.", "ok", colour)).Append('\n');
        }

        if (report.Skipped.Count > 0)
        {
            s.Append("\nSKIPPED (not checked, not healthy)\n");
            var width = report.Skipped.Max(k => k.Check.Length);
            foreach (var k in report.Skipped)
            {
                s.Append("  ").Append(k.Check.PadRight(width)).Append("  ").Append(ClusterText.Visible(k.Reason)).Append('\n');
            }
        }

        if (report.Problems is { Count: > 0 } problems)
        {
            s.Append("\nNOT READ\n");
            foreach (var p in problems)
            {
                s.Append("  ").Append(ClusterText.Visible(p)).Append('\n');
            }
        }

        AppendFlows(s, report.Flows);
        return KnownCredentials.Scrub(s.ToString());
    }

    /// <summary>
    /// The incidents first, one line each with its chain; then each incident's findings, root first, a finding repeated per
    /// route collapsed into one entry naming the routes, and only the root's runbook (the one to follow).
    /// </summary>
    private static void AppendIncidents(StringBuilder s, Report report, bool colour)
    {
        if (report.Incidents.Count == 0)
        {
            return;
        }

        var chains = report.Incidents.Select(i => IncidentText.Chain(i.Chain)).ToList();
        var width = chains.Max(c => c.Length);
        s.Append("\nINCIDENTS\n");
        for (var n = 0; n < report.Incidents.Count; n++)
        {
            var i = report.Incidents[n];
            s.Append("  ").Append(i.Severity.PadRight(10)).Append(chains[n].PadRight(width)).Append("  ")
                .Append(ClusterText.Visible(IncidentEntry.SubjectText(i.Root.Subject)));
            if (IncidentText.Affected(i) is { Length: > 0 } affected)
            {
                s.Append(" · ").Append(ClusterText.Visible(affected));
            }

            s.Append(" · ").Append(i.Findings).Append(i.Findings == 1 ? " finding" : " findings").Append('\n');
        }

        foreach (var (i, chain) in report.Incidents.Zip(chains))
        {
            s.Append('\n').Append(Paint(i.Severity.ToUpperInvariant(), i.Severity, colour)).Append(" · ").Append(chain).Append(" · ")
                .Append(ClusterText.Visible(IncidentEntry.SubjectText(i.Root.Subject))).Append(" · ").Append(i.Id).Append('\n');
            foreach (var e in IncidentText.Entries(report, i))
            {
                AppendFinding(s, e.First, e.Entry.Routes, e.IsRoot ? null : e.Entry.CausedBy);
                if (e.IsRoot)
                {
                    AppendRunbook(s, i.RunbookUrl, e.First.ExplainCommand);
                }
            }
        }
    }

    private static void AppendFinding(StringBuilder s, ReportFinding f, List<string>? routes, string? causedBy)
    {
        var subject = $"{f.Subject.Kind} {(f.Subject.Namespace.Length > 0 ? f.Subject.Namespace + "/" : "")}{f.Subject.Name}";
        s.Append("  ").Append(f.Code).Append("  ").Append(f.Name.PadRight(38)).Append(' ').Append(ClusterText.Visible(subject));
        if (causedBy is not null)
        {
            s.Append("  ← ").Append(causedBy);
        }

        s.Append('\n');
        if (routes is { Count: > 1 })
        {
            s.Append("      on ").Append(routes.Count).Append(" routes: ").Append(ClusterText.Visible(string.Join(", ", routes))).Append('\n');
        }

        s.Append("      ").Append(ClusterText.Visible(f.Message)).Append('\n');
    }

    private static void AppendRunbook(StringBuilder s, string url, string explain) =>
        s.Append("      runbook: ").Append(ClusterText.Visible(url)).Append("  (").Append(ClusterText.Visible(explain)).Append(")\n");

    /// <summary>The match's conditions besides the path: <c>(Exact) [header X-Gateway-Model-Name=m] [POST]</c>; cluster strings shown as data (<see cref="ClusterText.Visible"/>).</summary>
    private static void AppendConditions(StringBuilder s, ReportFlow f)
    {
        if (f.PathType is "Exact" or "RegularExpression")
        {
            s.Append(" (").Append(f.PathType).Append(')');
        }

        foreach (var header in f.Headers ?? [])
        {
            s.Append(" [header ").Append(ClusterText.Visible(header)).Append(']');
        }

        foreach (var query in f.QueryParams ?? [])
        {
            s.Append(" [query ").Append(ClusterText.Visible(query)).Append(']');
        }

        if (f.Method is { } method)
        {
            s.Append(" [").Append(ClusterText.Visible(method)).Append(']');
        }
    }

    private static void AppendFlows(StringBuilder s, List<ReportFlow> flows)
    {
        if (flows.Count == 0)
        {
            return;
        }

        s.Append("\nREQUEST FLOWS\n");
        foreach (var gateway in flows.GroupBy(f => f.Gateway))
        {
            s.Append("  Gateway ").Append(ClusterText.Visible(gateway.Key)).Append('\n');
            var list = gateway.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var f = list[i];
                s.Append(i == list.Count - 1 ? "  └─ " : "  ├─ ").Append(ClusterText.Visible(f.Path));
                AppendConditions(s, f);
                s.Append(" → ").Append(ClusterText.Visible(f.Backend));
                if (f.EffectiveBodyMode is { } mode)
                {
                    s.Append(" [").Append(ClusterText.Visible(mode)).Append(']');
                }

                if (f.Model is { } model)
                {
                    s.Append(" model ").Append(ClusterText.Visible(model));
                }

                foreach (var p in f.Probes)
                {
                    s.Append("  ").Append(p.Probe).Append(' ').Append(p.Status == 0 ? ClusterText.Visible(p.Reason ?? "failed") : p.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .Append(' ').Append(p.Ms).Append("ms");
                }

                s.Append('\n');
            }
        }
    }

    private static string Paint(string text, string severity, bool colour)
    {
        if (!colour)
        {
            return text;
        }

        var code = severity switch
        {
            "critical" => "\u001b[1;31m",
            "warning" => "\u001b[1;33m",
            "info" => "\u001b[1;36m",
            _ => "\u001b[1;32m",
        };
        return code + text + Reset;
    }
}
