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

        s.Append("\n## Findings\n\n");
        if (report.Findings.Count == 0)
        {
            s.Append("No findings.\n");
        }
        else
        {
            s.Append("| severity | code | name | subject | message | runbook |\n|---|---|---|---|---|---|\n");
            foreach (var f in report.Findings)
            {
                var subject = $"{f.Subject.Kind} {(f.Subject.Namespace.Length > 0 ? f.Subject.Namespace + "/" : "")}{f.Subject.Name}";
                s.Append("| ").Append(f.Severity).Append(" | ").Append(f.Code).Append(" | ").Append(f.Name).Append(" | ").Append(ClusterText.Markdown(subject))
                    .Append(" | ").Append(ClusterText.Markdown(f.Message)).Append(" | [").Append(f.Code).Append("](").Append(ClusterText.Visible(f.RunbookUrl)).Append(") or `llmd-doctor explain ").Append(f.Code).Append("` |\n");
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
}
