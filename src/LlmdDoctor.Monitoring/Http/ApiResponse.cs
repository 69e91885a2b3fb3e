using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Monitoring.Http;

/// <summary>
/// One HTTP call to a monitoring API, classified. <see cref="ApiOutcome.Ok"/> means the server answered 2xx or an
/// API-level 400/422 (Prometheus query errors, Grafana's "datasource unhealthy"); the body is then in <see cref="Body"/>.
/// </summary>
public sealed record ApiResponse(
    ApiOutcome Outcome,
    int? Status,
    ReadOnlyMemory<byte> Body,
    string Reason,
    string Detail,
    string ConfiguredScheme = "",
    string ActualScheme = "")
{
    public bool IsSuccess => Outcome == ApiOutcome.Ok && Status is >= 200 and < 300;

    /// <summary>The call as a datasource probe for the facts; <paramref name="url"/> must carry no credentials.</summary>
    public DatasourceProbe ToProbe(DatasourceRole role, string url) =>
        new(role, url, Outcome == ApiOutcome.Ok && !IsSuccess && Status is not (400 or 422) ? ApiOutcome.BadResponse : Outcome,
            Reason, Detail, ConfiguredScheme, ActualScheme, Status);
}
