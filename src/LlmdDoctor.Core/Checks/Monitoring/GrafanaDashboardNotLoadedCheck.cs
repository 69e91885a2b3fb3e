using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0608: a GrafanaDashboard whose model grafana-operator cannot resolve is loaded into no Grafana. From the
/// objects alone: <c>spec.configMapRef</c> names a ConfigMap (in the dashboard's namespace) that does not exist, or a
/// key it does not hold (grafana-operator controllers/content/fetchers/configmap_fetcher.go, v5.24.0+124 @60d3ebd);
/// the operator then sets condition <c>InvalidSpec</c> (reason <c>InvalidModelResolution</c>), read here as evidence too.
/// A dashboard fetched from <c>spec.url</c> is remote: the doctor does not fetch it, and says so as a skip.
/// </summary>
public sealed class GrafanaDashboardNotLoadedCheck : ICheck
{
    public string Name => "grafana.DashboardContent";
    public string Description => "every GrafanaDashboard's model can be resolved (its configMapRef ConfigMap and key exist)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GrafanaDashboardNotLoaded];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        foreach (var dashboard in snapshot.GrafanaDashboards)
        {
            var key = dashboard.Metadata.Key;
            var problems = new List<string>();
            if (dashboard.Spec.ConfigMapRef is { Name.Length: > 0 } reference)
            {
                if (snapshot.ConfigMaps.Count == 0)
                {
                    context.Skip($"no ConfigMap was collected, so ConfigMap {dashboard.Metadata.Ns}/{reference.Name} of GrafanaDashboard {key} cannot be checked");
                }
                else if (snapshot.FindConfigMap(dashboard.Metadata.Ns, reference.Name) is not { } configMap)
                {
                    problems.Add($"its configMapRef names ConfigMap {dashboard.Metadata.Ns}/{reference.Name}, which does not exist");
                }
                else if (!configMap.Data.ContainsKey(reference.Key ?? ""))
                {
                    problems.Add($"its configMapRef names key '{reference.Key}' of ConfigMap {dashboard.Metadata.Ns}/{reference.Name}, which has no such key");
                }
            }
            else if (dashboard.Spec.Url is { Length: > 0 } && string.IsNullOrEmpty(dashboard.Spec.Json))
            {
                context.Skip($"GrafanaDashboard {key} takes its model from a remote url that grafana-operator fetches; the doctor does not fetch it, so its content is not checked");
            }

            if (dashboard.Status.Conditions.Find("InvalidSpec") is { IsTrue: true } invalid)
            {
                problems.Add($"grafana-operator says InvalidSpec ({invalid.Reason}): {invalid.Message}");
            }

            if (problems.Count > 0)
            {
                context.Report(FindingCatalog.GrafanaDashboardNotLoaded.At(
                    new Subject("grafana.integreatly.org", "GrafanaDashboard", dashboard.Metadata.Ns, dashboard.Metadata.Name),
                    ("dashboard", key), ("detail", string.Join("; ", problems))));
            }
        }
    }
}
