using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Http;

namespace LlmdDoctor.Monitoring.Clients;

/// <summary>An instant query's answer: the call, its samples, and the API error when the query itself failed.</summary>
public sealed record PromQueryResult(ApiResponse Call, IReadOnlyList<PromSample> Samples, string Error)
{
    public bool Ok => Call.IsSuccess && Error.Length == 0;
}

/// <summary>A <c>/api/v1/series</c> answer.</summary>
public sealed record PromSeriesResult(ApiResponse Call, IReadOnlyList<IReadOnlyDictionary<string, string>> Series, string Error)
{
    public bool Ok => Call.IsSuccess && Error.Length == 0;
}

/// <summary>A <c>/api/v1/rules</c> answer.</summary>
public sealed record PromRulesResult(ApiResponse Call, IReadOnlyList<LoadedRuleGroup> Groups, string Error)
{
    public bool Ok => Call.IsSuccess && Error.Length == 0;
}

/// <summary>
/// Prometheus / Thanos Querier HTTP API client: instant queries, series and rules. With a tenancy namespace the
/// call carries <c>namespace=</c>, which Thanos Querier's tenancy ports (9092 queries, 9093 rules) require.
/// </summary>
public sealed class PrometheusClient : IDisposable
{
    private readonly ApiTransport _transport;

    public PrometheusClient(ApiEndpointSettings settings, TimeSpan timeout, int maxResponseBytes) =>
        _transport = new ApiTransport(settings, timeout, maxResponseBytes);

    /// <summary>The base URL as shown in findings.</summary>
    public string DisplayUrl => _transport.DisplayUrl;

    public async Task<PromQueryResult> QueryAsync(string promql, string? tenancyNamespace, CancellationToken cancellation)
    {
        var call = await _transport.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql) + Tenancy(tenancyNamespace), cancellation).ConfigureAwait(false);
        if (call.Outcome != ApiOutcome.Ok)
        {
            return new PromQueryResult(call, [], call.Reason);
        }

        var (envelope, samples) = PrometheusJson.ReadQuery(call.Body.Span);
        return new PromQueryResult(call, samples, envelope.Success ? "" : envelope.Error);
    }

    public async Task<PromSeriesResult> SeriesAsync(IEnumerable<string> matchers, string? tenancyNamespace, CancellationToken cancellation)
    {
        var query = string.Join("&", matchers.Select(m => "match[]=" + Uri.EscapeDataString(m)));
        var call = await _transport.GetAsync("api/v1/series?" + query + Tenancy(tenancyNamespace), cancellation).ConfigureAwait(false);
        if (call.Outcome != ApiOutcome.Ok)
        {
            return new PromSeriesResult(call, [], call.Reason);
        }

        var (envelope, series) = PrometheusJson.ReadSeries(call.Body.Span);
        return new PromSeriesResult(call, series, envelope.Success ? "" : envelope.Error);
    }

    public async Task<PromRulesResult> RulesAsync(string? tenancyNamespace, CancellationToken cancellation)
    {
        var path = "api/v1/rules" + (tenancyNamespace is null ? "" : "?namespace=" + Uri.EscapeDataString(tenancyNamespace));
        var call = await _transport.GetAsync(path, cancellation).ConfigureAwait(false);
        if (call.Outcome != ApiOutcome.Ok)
        {
            return new PromRulesResult(call, [], call.Reason);
        }

        var (envelope, groups) = PrometheusJson.ReadRules(call.Body.Span, tenancyNamespace ?? "");
        return new PromRulesResult(call, groups, envelope.Success ? "" : envelope.Error);
    }

    private static string Tenancy(string? ns) => ns is null ? "" : "&namespace=" + Uri.EscapeDataString(ns);

    public void Dispose() => _transport.Dispose();
}
