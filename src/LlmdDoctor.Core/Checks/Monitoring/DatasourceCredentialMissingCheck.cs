using System.Text.RegularExpressions;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0602 from the objects alone, before any call fails. grafana-operator builds a datasource by reading each
/// <c>valuesFrom[]</c> value (a Secret or ConfigMap key in the datasource's own namespace) and replacing <c>${key}</c>
/// and <c>$key</c> in the string at <c>targetPath</c> (controllers/datasource_controller.go buildDatasourceModel,
/// v5.24.0+124 @60d3ebd). So the credential is missing when: the Secret does not exist (judged only when Secrets were
/// collected at all); the ConfigMap of a <c>configMapKeyRef</c> does not exist or has no such key in <c>data</c>
/// (controllers/controller_shared.go getConfigMapValue: a Get in the datasource's namespace, then <c>cm.Data[key]</c>,
/// else "missing key"; judged only when ConfigMaps were collected at all); a <c>secureJsonData</c> field holds a <c>${key}</c> placeholder no valuesFrom entry fills (Grafana
/// then sends the placeholder text); or a valuesFrom entry targets a secureJsonData field the datasource does not
/// have, or one without its placeholder (the value lands nowhere). Field values are never reported, only names.
/// </summary>
public sealed partial class DatasourceCredentialMissingCheck : ICheck
{
    public string Name => "datasource.CredentialReferences";
    public string Description => "every value a GrafanaDatasource takes from a Secret or ConfigMap exists and every credential reaches a secureJsonData field";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceUnauthorized];

    private const string SecurePrefix = "secureJsonData.";

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Placeholder();

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var secretsCollected = snapshot.Secrets.Count > 0;
        if (!secretsCollected && snapshot.GrafanaDatasources.Any(ds => ds.Spec.ValuesFrom.Any(v => v.ValueFrom.SecretKeyRef is not null)))
        {
            context.Skip("no Secret was collected, so the Secrets GrafanaDatasources read cannot be checked");
        }

        if (snapshot.ConfigMaps.Count == 0 && snapshot.GrafanaDatasources.Any(ds => ds.Spec.ValuesFrom.Any(v => v.ValueFrom.ConfigMapKeyRef is not null)))
        {
            context.Skip("no ConfigMap was collected, so the ConfigMaps GrafanaDatasources read cannot be checked");
        }

        foreach (var ds in snapshot.GrafanaDatasources)
        {
            var problems = new List<string>();
            if (secretsCollected)
            {
                problems.AddRange(ds.Spec.ValuesFrom.Select(v => v.ValueFrom.SecretKeyRef).OfType<KeyRef>().DistinctBy(r => r.Name)
                    .Where(r => DatasourceUnauthorizedCheck.FindSecret(snapshot, $"{ds.Metadata.Ns}/{r.Name}") is null)
                    .Select(r => $"GrafanaDatasource {ds.Metadata.Key} takes its credential from Secret {ds.Metadata.Ns}/{r.Name}, which does not exist"));
            }

            if (snapshot.ConfigMaps.Count > 0)
            {
                problems.AddRange(ConfigMapProblems(snapshot, ds));
            }

            problems.AddRange(SecureFieldProblems(ds));
            if (problems.Count > 0)
            {
                context.Report(FindingCatalog.DatasourceUnauthorized.At(
                    new Subject("grafana.integreatly.org", "GrafanaDatasource", ds.Metadata.Ns, ds.Metadata.Name),
                    ("url", ds.Spec.Datasource.Url ?? ""), ("detail", string.Join("; ", problems))));
            }
        }
    }

    private static IEnumerable<string> ConfigMapProblems(ClusterSnapshot snapshot, GrafanaDatasource ds)
    {
        foreach (var r in ds.Spec.ValuesFrom.Select(v => v.ValueFrom.ConfigMapKeyRef).OfType<KeyRef>().DistinctBy(r => (r.Name, r.Key)))
        {
            var cm = snapshot.FindConfigMap(ds.Metadata.Ns, r.Name);
            if (cm is null)
            {
                yield return $"GrafanaDatasource {ds.Metadata.Key} takes a value from ConfigMap {ds.Metadata.Ns}/{r.Name}, which does not exist";
            }
            else if (!cm.Data.ContainsKey(r.Key ?? ""))
            {
                yield return $"GrafanaDatasource {ds.Metadata.Key} takes a value from key '{r.Key}' of ConfigMap {ds.Metadata.Ns}/{r.Name}, which has no such key";
            }
        }
    }

    private static IEnumerable<string> SecureFieldProblems(GrafanaDatasource ds)
    {
        // Only string fields take a credential: grafana-operator substitutes into strings and refuses anything else.
        var secure = ds.Spec.Datasource.SecureJsonData
            .Where(f => f.Value.ValueKind == System.Text.Json.JsonValueKind.String)
            .ToDictionary(f => f.Key, f => f.Value.GetString() ?? "", StringComparer.Ordinal);
        var fills = ds.Spec.ValuesFrom
            .Where(v => v.TargetPath?.StartsWith(SecurePrefix, StringComparison.Ordinal) == true)
            .Select(v => (Field: v.TargetPath![SecurePrefix.Length..], Key: (v.ValueFrom.SecretKeyRef ?? v.ValueFrom.ConfigMapKeyRef)?.Key ?? ""))
            .ToList();

        foreach (var (field, value) in secure.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            foreach (var name in Placeholder().Matches(value).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
            {
                if (!fills.Contains((field, name)))
                {
                    yield return $"secureJsonData.{field} holds the placeholder ${{{name}}} but no valuesFrom entry with targetPath secureJsonData.{field} and key '{name}' fills it: Grafana sends the placeholder text as the credential";
                }
            }
        }

        foreach (var (field, key) in fills.Distinct())
        {
            if (!secure.TryGetValue(field, out var value))
            {
                yield return $"valuesFrom targetPath secureJsonData.{field} names a field the datasource does not have: the value of key '{key}' lands nowhere";
            }
            else if (!value.Contains("${" + key + "}", StringComparison.Ordinal) && !value.Contains("$" + key, StringComparison.Ordinal))
            {
                yield return $"secureJsonData.{field} holds neither ${{{key}}} nor ${key}, so the value of key '{key}' that valuesFrom reads is substituted nowhere";
            }
        }
    }
}
