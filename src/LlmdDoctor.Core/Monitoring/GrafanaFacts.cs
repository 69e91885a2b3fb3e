namespace LlmdDoctor.Core.Monitoring;

/// <summary>What the Grafana HTTP API answered.</summary>
public sealed record GrafanaFacts
{
    public string Url { get; init; } = "";

    /// <summary><c>GET /api/health</c> answered 200.</summary>
    public bool Healthy { get; init; }

    /// <summary><c>GET /api/datasources/uid/{uid}/health</c> per datasource uid.</summary>
    public IReadOnlyList<GrafanaDatasourceHealth> Datasources { get; init; } = [];
}

/// <summary>
/// One datasource health answer. Grafana answers 200 only when the plugin reports OK and 400 otherwise
/// (grafana pkg/api CheckDatasourceHealthWithUID); 401/403/404/5xx mean the question itself failed.
/// </summary>
public sealed record GrafanaDatasourceHealth(string Uid, int HttpStatus, string Status, string Message)
{
    public bool IsOk => HttpStatus == 200 && string.Equals(Status, "OK", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What Alertmanager answered for the doctor's heartbeat alert.</summary>
public sealed record AlertmanagerFacts(string Url, int HeartbeatAlerts, int ActiveHeartbeatAlerts);
