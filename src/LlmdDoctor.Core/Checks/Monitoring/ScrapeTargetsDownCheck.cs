using System.Globalization;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>LLMD0505: Prometheus/Thanos reports <c>up == 0</c> for scrape targets of vLLM or EPP pods.</summary>
public sealed class ScrapeTargetsDownCheck : ICheck
{
    public string Name => "monitoring.ScrapeTargetsUp";
    public string Description => "scrape targets of vLLM and Endpoint Picker pods are up";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Prometheus, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ScrapeTargetsDown];

    public void Run(CheckContext context)
    {
        var facts = MonitoringCheckInputs.Prometheus(context);
        var owners = new Dictionary<(string Ns, string Pod), ServingWorkload>();
        foreach (var workload in ServingWorkloads.Find(context.Cluster))
        {
            foreach (var pod in workload.Pods)
            {
                owners[(workload.Namespace, pod.Metadata.Name)] = workload;
            }
        }

        var relevant = facts.Up
            .Where(s => owners.ContainsKey((s.Label("namespace"), s.Label("pod"))))
            .GroupBy(s => (Namespace: s.Label("namespace"), Job: s.Label("job")));
        foreach (var job in relevant.OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.Job, StringComparer.Ordinal))
        {
            var down = job.Where(s => s.Value == 0).ToList();
            if (down.Count == 0)
            {
                continue;
            }

            var owner = owners[(job.Key.Namespace, down[0].Label("pod"))];
            context.Report(FindingCatalog.ScrapeTargetsDown.At(owner.Subject,
                ("job", job.Key.Job), ("down", down.Count.ToString(CultureInfo.InvariantCulture)),
                ("total", job.Count().ToString(CultureInfo.InvariantCulture)),
                ("namespace", job.Key.Namespace), ("owner", owner.Owner), ("target", owner.RoleName),
                ("targets", MonitoringCheckInputs.List(down.Select(s => $"{s.Label("pod")} ({s.Label("instance")})"))),
                ("source", facts.Source)));
        }
    }
}
