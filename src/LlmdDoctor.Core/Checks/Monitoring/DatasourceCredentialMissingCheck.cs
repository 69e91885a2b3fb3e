using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0602 from the objects alone: a GrafanaDatasource takes its credential (<c>valuesFrom[].valueFrom.secretKeyRef</c>,
/// read by grafana-operator from the datasource's own namespace) from a Secret that does not exist. Visible in a
/// bundle and live, before any call fails. Judged only when Secrets were collected at all.
/// </summary>
public sealed class DatasourceCredentialMissingCheck : ICheck
{
    public string Name => "datasource.CredentialReferences";
    public string Description => "every Secret a GrafanaDatasource takes a credential from exists";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceUnauthorized];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        if (snapshot.GrafanaDatasources.Count == 0)
        {
            return;
        }

        if (snapshot.Secrets.Count == 0)
        {
            context.Skip("no Secret was collected, so the Secrets GrafanaDatasources read cannot be checked");
            return;
        }

        foreach (var ds in snapshot.GrafanaDatasources)
        {
            foreach (var reference in ds.Spec.ValuesFrom.Select(v => v.ValueFrom.SecretKeyRef).OfType<KeyRef>().DistinctBy(r => r.Name))
            {
                if (DatasourceUnauthorizedCheck.FindSecret(snapshot, $"{ds.Metadata.Ns}/{reference.Name}") is null)
                {
                    context.Report(FindingCatalog.DatasourceUnauthorized.At(
                        new Subject("grafana.integreatly.org", "GrafanaDatasource", ds.Metadata.Ns, ds.Metadata.Name),
                        ("url", ds.Spec.Datasource.Url ?? ""),
                        ("detail", $"GrafanaDatasource {ds.Metadata.Key} takes its credential from Secret {ds.Metadata.Ns}/{reference.Name}, which does not exist")));
                }
            }
        }
    }
}
