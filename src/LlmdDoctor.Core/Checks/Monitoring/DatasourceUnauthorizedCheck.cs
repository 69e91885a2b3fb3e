using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0602: Prometheus/Thanos answers 401/403 to the configured token, the token could not be loaded, or the token
/// Secret configured for the doctor is missing (a GrafanaDatasource's missing Secret is <see cref="DatasourceCredentialMissingCheck"/>). A Secret that is not a
/// long-lived <c>kubernetes.io/service-account-token</c> is named as the likely cause when auth fails: a copied
/// bound token expires and nothing refreshes it.
/// </summary>
public sealed class DatasourceUnauthorizedCheck : ICheck
{
    public const string ServiceAccountTokenType = "kubernetes.io/service-account-token";

    public string Name => "datasource.Authorized";
    public string Description => "the Prometheus/Thanos datasource accepts the configured token, and token Secrets exist";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.MonitoringEndpoints];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceUnauthorized];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var monitoring = context.Inputs.Monitoring;
        var secretsCollected = snapshot.Secrets.Count > 0;
        var secretNotes = new List<string>();
        foreach (var key in monitoring.TokenSecrets)
        {
            var secret = FindSecret(snapshot, key);
            if (secret is null && secretsCollected)
            {
                var url = monitoring.Datasources.FirstOrDefault(p => p.Role == DatasourceRole.Query)?.Url ?? "(configured datasource)";
                context.Report(FindingCatalog.DatasourceUnauthorized.At(SecretSubject(key),
                    ("url", url), ("detail", $"token Secret {key} named in the doctor's configuration does not exist")));
            }
            else if (secret is not null && secret.Type != ServiceAccountTokenType)
            {
                secretNotes.Add($"token Secret {key} is of type {secret.Type ?? "(none)"}, not a long-lived {ServiceAccountTokenType}");
            }
        }

        foreach (var probe in monitoring.Datasources.Where(p => p.Role is DatasourceRole.Query or DatasourceRole.Rules && p.Outcome == ApiOutcome.Unauthorized))
        {
            var detail = string.Join("; ", [probe.Detail, .. secretNotes]);
            context.Report(FindingCatalog.DatasourceUnauthorized.At(MonitoringCheckInputs.ForUrl(probe.Url, "prometheus"),
                ("url", probe.Url), ("detail", detail), ("reason", probe.Reason), ("role", probe.Role.ToString())));
        }

    }

    internal static SecretInfo? FindSecret(ClusterSnapshot snapshot, string key) =>
        snapshot.Secrets.FirstOrDefault(s => s.Metadata.Key == key);

    private static Subject SecretSubject(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new Subject("", "Secret", slash > 0 ? key[..slash] : null, slash > 0 ? key[(slash + 1)..] : key);
    }
}
