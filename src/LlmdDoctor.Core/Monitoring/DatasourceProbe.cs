namespace LlmdDoctor.Core.Monitoring;

/// <summary>Which monitoring API an endpoint serves.</summary>
public enum DatasourceRole
{
    /// <summary>Prometheus or Thanos Querier query API (<c>/api/v1/query</c>).</summary>
    Query,

    /// <summary>Rules API (<c>/api/v1/rules</c>, Thanos Querier tenancy-rules port 9093).</summary>
    Rules,

    Grafana,
    Alertmanager,
}

/// <summary>How one call to a monitoring API ended.</summary>
public enum ApiOutcome
{
    Ok,

    /// <summary>DNS, connect, TLS handshake or timeout: nothing usable came back.</summary>
    Unreachable,

    /// <summary>401/403, or the configured credential could not be loaded.</summary>
    Unauthorized,

    /// <summary>http was used against an HTTPS server or https against a plain HTTP server.</summary>
    SchemeMismatch,

    /// <summary>The server answered, but not with what the API promises (5xx, not JSON, too large).</summary>
    BadResponse,
}

/// <summary>
/// The first call to one monitoring endpoint. <see cref="Url"/> never carries credentials; <see cref="Detail"/>
/// names the credential by where it came from (file path, Secret), never by value.
/// </summary>
public sealed record DatasourceProbe(
    DatasourceRole Role,
    string Url,
    ApiOutcome Outcome,
    string Reason,
    string Detail,
    string ConfiguredScheme = "",
    string ActualScheme = "",
    int? HttpStatus = null)
{
    public bool IsOk => Outcome == ApiOutcome.Ok;
}
