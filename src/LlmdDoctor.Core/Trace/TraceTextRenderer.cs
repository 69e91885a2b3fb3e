using System.Globalization;
using System.Text;
using LlmdDoctor.Core.Runbooks;

namespace LlmdDoctor.Core.Trace;

/// <summary>The text form of a trace: the request, one block per hop (verdict, summary, evidence, code), the phases, the first broken hop.</summary>
public static class TraceTextRenderer
{
    public static string Render(RequestTrace trace, bool colour)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var text = new StringBuilder();
        var r = trace.Request;
        text.Append(CultureInfo.InvariantCulture, $"llm-d doctor trace · Gateway {r.Gateway}\n");
        text.Append(CultureInfo.InvariantCulture, $"{r.Method} {r.Url}  Host: {r.Host}  body {r.BodyBytes} bytes{(r.Model is { } m ? $", model {m}" : "")}");
        if (r.HeaderNames.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  headers {string.Join(", ", r.HeaderNames)}");
        }

        text.Append('\n');
        if (trace.TraceId is { } id)
        {
            text.Append(CultureInfo.InvariantCulture, $"traceparent trace id {id}\n");
        }

        text.Append('\n');
        for (var i = 0; i < trace.Hops.Count; i++)
        {
            var hop = trace.Hops[i];
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {Mark(hop.Verdict, colour)} {hop.Title}: {hop.Summary}\n");
            foreach (var line in hop.Evidence)
            {
                text.Append(CultureInfo.InvariantCulture, $"      {line}\n");
            }

            if (hop.Code is { } code)
            {
                text.Append(CultureInfo.InvariantCulture, $"      {code}  runbook: {hop.RunbookUrl}  ({RunbookLibrary.ExplainCommand(code, null)})\n");
            }
        }

        if (trace.Phases.Count > 0)
        {
            text.Append("\nTIME\n");
            foreach (var phase in trace.Phases)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {phase.Name,-48} {phase.Milliseconds,8:0.0} ms\n");
            }
        }

        text.Append('\n');
        text.Append(trace.FirstBroken is { } broken
            ? string.Create(CultureInfo.InvariantCulture, $"FIRST BROKEN HOP: {trace.Hops.ToList().IndexOf(broken) + 1}. {broken.Title}{(broken.Code is { } c ? $" ({c})" : "")}: {broken.Summary}\n")
            : trace.Hops.Any(h => h.Verdict == HopVerdict.Warn)
                ? "No hop broke; see the warnings above.\n"
                : "No hop broke.\n");
        return text.ToString();
    }

    private static string Mark(HopVerdict verdict, bool colour)
    {
        var (word, ansi) = verdict switch
        {
            HopVerdict.Ok => ("OK     ", "32"),
            HopVerdict.Warn => ("WARN   ", "33"),
            HopVerdict.Broken => ("BROKEN ", "31;1"),
            _ => ("SKIPPED", "90"),
        };
        return colour ? $"\u001b[{ansi}m{word}\u001b[0m" : word;
    }
}
