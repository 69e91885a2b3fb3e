using System.Text.Json;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Cli;

/// <summary>Writes a report in the chosen format and decides the exit code from <c>--fail-on</c>.</summary>
public static class ReportOutput
{
    public static int Write(Report report, ReportSettings settings, CliConsole console)
    {
        console.Out.Write(Render(report, settings.Format, console.UseColour));
        var severities = report.Findings.Select(f => SeverityNames.TryParse(f.Severity, out var s) ? s : Severity.Critical);
        return ExitCodes.For(severities, settings.FailOn);
    }

    public static string Render(Report report, string format, bool colour) => format switch
    {
        "json" => ReportJson.Serialize(report) + "\n",
        "markdown" => MarkdownReportRenderer.Render(report),
        _ => TextReportRenderer.Render(report, colour),
    };
}
