using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0601 from the objects alone: a GrafanaDatasource's URL names an in-cluster Service
/// (<c>name.namespace.svc</c> or <c>name.namespace.svc.cluster.local</c>) that does not exist, so the name does not
/// resolve. Judged only when the inventory holds other Services of that namespace, i.e. its Services were collected
/// (live and <c>collect</c> bundles list Services cluster-wide; a bundle of one model's manifests, or a hand-written
/// one holding only <c>cluster-monitoring-config</c>, says nothing about the Services of <c>openshift-monitoring</c>).
/// </summary>
public sealed class DatasourceServiceMissingCheck : ICheck
{
    public string Name => "datasource.ServiceExists";
    public string Description => "the in-cluster Service a GrafanaDatasource URL names exists";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects, CheckInput.Services];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceUnreachable];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        foreach (var ds in snapshot.GrafanaDatasources)
        {
            var url = ds.Spec.Datasource.Url ?? "";
            if (ServiceOf(url) is not var (ns, name) || snapshot.FindService(ns, name) is not null)
            {
                continue;
            }

            var others = snapshot.Services.Where(s => s.Metadata.Ns == ns).Select(s => s.Metadata.Name).Order(StringComparer.Ordinal).ToList();
            if (others.Count == 0)
            {
                continue;
            }

            context.Report(FindingCatalog.DatasourceUnreachable.At(
                new Subject("grafana.integreatly.org", "GrafanaDatasource", ds.Metadata.Ns, ds.Metadata.Name),
                ("url", url),
                ("reason", $"GrafanaDatasource {ds.Metadata.Key} points at Service {ns}/{name}, which does not exist, so its name does not resolve"),
                ("detail", $"Services in namespace {ns}: {MonitoringCheckInputs.List(others, 5)}")));
        }
    }

    /// <summary>The Service an in-cluster URL names, or null when the host is not <c>name.namespace.svc[.cluster.local]</c>.</summary>
    public static (string Namespace, string Name)? ServiceOf(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var labels = uri.Host.TrimEnd('.').Split('.');
        var svc = Array.IndexOf(labels, "svc");
        var suffixOk = svc == labels.Length - 1 || (svc == labels.Length - 3 && labels[^2] == "cluster" && labels[^1] == "local");
        return svc == 2 && suffixOk ? (labels[1], labels[0]) : null;
    }
}
