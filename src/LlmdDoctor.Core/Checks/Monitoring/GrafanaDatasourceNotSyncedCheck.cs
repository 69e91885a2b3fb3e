using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>LLMD0605: a GrafanaDatasource has condition <c>DatasourceSynchronized</c> False (reason <c>ApplyFailed</c>, <c>InvalidModel</c>…).</summary>
public sealed class GrafanaDatasourceNotSyncedCheck : ICheck
{
    public string Name => "grafana.DatasourceSynced";
    public string Description => "Grafana Operator applied every GrafanaDatasource (DatasourceSynchronized)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GrafanaDatasourceNotSynced];

    public void Run(CheckContext context)
    {
        foreach (var ds in context.Cluster.GrafanaDatasources)
        {
            if (ds.Status.Conditions.Find("DatasourceSynchronized") is { IsFalse: true } condition)
            {
                context.Report(FindingCatalog.GrafanaDatasourceNotSynced.At(
                    new Subject("grafana.integreatly.org", "GrafanaDatasource", ds.Metadata.Ns, ds.Metadata.Name),
                    ("name", ds.Metadata.Key), ("reason", condition.Reason ?? "(no reason)"),
                    ("detail", condition.Message ?? ds.Status.LastMessage ?? "")));
            }
        }
    }
}
