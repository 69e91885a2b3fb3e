using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Clients;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>
/// Runs a namespace-scoped query over the model namespaces: once with <c>namespace=~"a|b"</c>, or, on Thanos
/// Querier's tenancy port, once per namespace with <c>namespace=</c>.
/// </summary>
internal sealed class PrometheusQueries(PrometheusClient client, bool tenancy, IReadOnlyList<string> namespaces)
{
    public async Task<(List<PromSample> Samples, string Error)> ForNamespacesAsync(Func<string, string> promql, CancellationToken cancellation)
    {
        var samples = new List<PromSample>();
        if (namespaces.Count == 0)
        {
            return (samples, "");
        }

        IEnumerable<(string Regex, string? Tenant)> batches = tenancy
            ? namespaces.Select(ns => (System.Text.RegularExpressions.Regex.Escape(ns), (string?)ns))
            : [(string.Join("|", namespaces.Select(System.Text.RegularExpressions.Regex.Escape)), null)];
        foreach (var (regex, tenant) in batches)
        {
            var query = promql(regex);
            var result = await client.QueryAsync(query, tenant, cancellation).ConfigureAwait(false);
            if (!result.Ok)
            {
                return (samples, $"query {query} failed: {result.Error} {result.Call.Detail}".Trim());
            }

            samples.AddRange(result.Samples);
        }

        return (samples, "");
    }
}
