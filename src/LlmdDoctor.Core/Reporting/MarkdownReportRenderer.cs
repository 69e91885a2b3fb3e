using System.Text;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Core.Reporting;

/// <summary>
/// Renders a report as Markdown (for tickets and support cases). Strings the cluster supplied pass
/// <see cref="ClusterText"/>: they cannot add a link, an image, an HTML tag, a table cell or a line.
/// </summary>
public static class MarkdownReportRenderer
{
    public static string Render(Report report)
    {
        var s = new StringBuilder();
        var sum = report.Summary;
        s.Append("# llm-d doctor report\n\n");
        s.Append("Source: ").Append(ClusterText.Markdown(report.Source.Kind)).Append(' ').Append(ClusterText.MarkdownCode(report.Source.Name)).Append(" · generated ").Append(report.GeneratedAt).Append("\n\n");
        s.Append("**").Append(sum.Critical).Append(" critical, ").Append(sum.Warning).Append(" warning, ").Append(sum.Info)
            .Append(" info** · ").Append(sum.ChecksRun).Append(" checks run, ").Append(sum.ChecksSkipped).Append(" skipped\n");

        if (report.Incidents.Count > 0)
        {
            s.Append("\n## Incidents\n\n| severity | chain | root cause | affects | findings | runbook |\n|---|---|---|---|---|---|\n");
            foreach (var i in report.Incidents)
            {
                s.Append("| ").Append(i.Severity).Append(" | ").Append(IncidentText.Chain(i.Chain)).Append(" | ")
                    .Append(ClusterText.Markdown(IncidentEntry.SubjectText(i.Root.Subject))).Append(" | ").Append(ClusterText.Markdown(IncidentText.Affected(i)))
                    .Append(" | ").Append(i.Findings).Append(" | [").Append(i.Runbook).Append("](").Append(ClusterText.Visible(i.RunbookUrl)).Append(") |\n");
            }
        }

        s.Append("\n## Findings\n\n");
        if (report.Findings.Count == 0)
        {
            s.Append("No findings.\n");
        }

        for (var n = 0; n < report.Incidents.Count; n++)
        {
            var i = report.Incidents[n];
            s.Append(n == 0 ? "" : "\n").Append("### ").Append(i.Severity).Append(" · ").Append(IncidentText.Chain(i.Chain)).Append(" · ")
                .Append(ClusterText.Markdown(IncidentEntry.SubjectText(i.Root.Subject))).Append("\n\n");
            AppendTableHead(s);
            foreach (var e in IncidentText.Entries(report, i))
            {
                var message = e.Entry.Routes is { Count: > 1 } routes ? $"on {routes.Count} routes ({string.Join(", ", routes)}): {e.First.Message}" : e.First.Message;
                AppendRow(s, e.First, e.IsRoot ? "root cause" : e.Entry.CausedBy ?? "", message);
            }
        }

        if (IncidentText.Unassigned(report) is { Count: > 0 } unassigned)
        {
            AppendTableHead(s);
            foreach (var f in unassigned)
            {
                AppendRow(s, f, "", f.Message);
            }
        }

        if (report.Skipped.Count > 0)
        {
            s.Append("\n## Skipped checks\n\n");
            foreach (var k in report.Skipped)
            {
                s.Append("- ").Append(ClusterText.MarkdownCode(k.Check)).Append(": ").Append(ClusterText.Markdown(k.Reason)).Append('\n');
            }
        }

        if (report.Problems is { Count: > 0 } problems)
        {
            s.Append("\n## Not read\n\n");
            foreach (var p in problems)
            {
                s.Append("- ").Append(ClusterText.Markdown(p)).Append('\n');
            }
        }

        if (report.Flows.Count > 0)
        {
            s.Append("\n## Request flows\n\n| gateway | path | backend | body mode | model | probes |\n|---|---|---|---|---|---|\n");
            foreach (var f in report.Flows)
            {
                var probes = string.Join(", ", f.Probes.Select(p => $"{p.Probe} {(p.Status == 0 ? p.Reason : p.Status)} {p.Ms}ms"));
                s.Append("| ").Append(ClusterText.Markdown(f.Gateway)).Append(" | ").Append(ClusterText.MarkdownCode(f.Path)).Append(" | ").Append(ClusterText.Markdown(f.Backend)).Append(" | ")
                    .Append(ClusterText.Markdown(f.EffectiveBodyMode)).Append(" | ").Append(ClusterText.Markdown(f.Model)).Append(" | ").Append(ClusterText.Markdown(probes)).Append(" |\n");
            }
        }

        return KnownCredentials.Scrub(s.ToString());
    }

    private static void AppendTableHead(StringBuilder s) =>
        s.Append("| severity | code | name | subject | caused by | message | runbook |\n|---|---|---|---|---|---|---|\n");

    private static void AppendRow(StringBuilder s, ReportFinding f, string causedBy, string message)
    {
        var subject = $"{f.Subject.Kind} {(f.Subject.Namespace.Length > 0 ? f.Subject.Namespace + "/" : "")}{f.Subject.Name}";
        s.Append("| ").Append(f.Severity).Append(" | ").Append(f.Code).Append(" | ").Append(f.Name).Append(" | ").Append(ClusterText.Markdown(subject))
            .Append(" | ").Append(causedBy).Append(" | ").Append(ClusterText.Markdown(message)).Append(" | [").Append(f.Code).Append("](").Append(ClusterText.Visible(f.RunbookUrl)).Append(") or ").Append(ClusterText.MarkdownCode(f.ExplainCommand)).Append(" |\n");
    }
}
