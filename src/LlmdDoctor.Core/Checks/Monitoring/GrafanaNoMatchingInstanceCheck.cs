using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0604: Grafana Operator v5 found no Grafana for a GrafanaDashboard/GrafanaDatasource's instanceSelector:
/// condition <c>NoMatchingInstance</c> True, or status <c>NoMatchingInstances: true</c> (grafana-operator v5.21
/// controllers/controller_shared.go).
/// </summary>
public sealed class GrafanaNoMatchingInstanceCheck : ICheck
{
    public string Name => "grafana.InstanceMatch";
    public string Description => "every GrafanaDashboard and GrafanaDatasource matches a Grafana instance";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GrafanaNoMatchingInstance];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var resources = snapshot.GrafanaDashboards.Select(d => ("GrafanaDashboard", d.Metadata, d.Spec.InstanceSelector, d.Status))
            .Concat(snapshot.GrafanaDatasources.Select(d => ("GrafanaDatasource", d.Metadata, d.Spec.InstanceSelector, d.Status)));
        foreach (var (kind, meta, selector, status) in resources)
        {
            var condition = status.Conditions.Find("NoMatchingInstance");
            if (condition?.IsTrue != true && status.NoMatchingInstances != true)
            {
                continue;
            }

            var instances = snapshot.GrafanaInstances.Where(g => g.Metadata.Ns == meta.Ns)
                .Select(g => $"{g.Metadata.Name} {{{LabelSelector.FromMap(g.Metadata.Labels)}}}").ToList();
            var detail = $"instanceSelector {{{selector}}}; Grafana instances in {meta.Ns}: {(instances.Count == 0 ? "none" : string.Join(", ", instances))}"
                + (condition?.Message is { Length: > 0 } m ? $"; operator says: {m}" : "");
            context.Report(FindingCatalog.GrafanaNoMatchingInstance.At(new Subject("grafana.integreatly.org", kind, meta.Ns, meta.Name),
                ("kind", kind), ("name", meta.Key), ("detail", detail)));
        }
    }
}
