using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>Shared reads of the monitoring checks.</summary>
internal static class MonitoringCheckInputs
{
    /// <summary>
    /// The Prometheus facts of a run whose Prometheus input is Available. Missing facts then mean the collector
    /// was wired wrongly; throwing makes that an LLMD0001 instead of a silent "healthy".
    /// </summary>
    public static PrometheusFacts Prometheus(CheckContext context) =>
        context.Inputs.Monitoring.Prometheus
        ?? throw new InvalidOperationException("the Prometheus input is available but the collector recorded no Prometheus facts");

    /// <summary>The Service a monitoring URL points at (<c>name.ns.svc…</c>), else the doctor's view of that source.</summary>
    public static Subject ForUrl(string url, string fallback)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var parts = uri.Host.Split('.');
            if (parts.Length >= 3 && parts[2] == "svc")
            {
                return Subject.Service(parts[1], parts[0]);
            }
        }

        return Subject.Doctor(fallback);
    }

    public static string List(IEnumerable<string> items, int max = 3)
    {
        var list = items.ToList();
        return list.Count <= max ? string.Join(", ", list) : $"{string.Join(", ", list.Take(max))} and {list.Count - max} more";
    }
}
