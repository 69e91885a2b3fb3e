using System.Text.Json;
using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Http;

namespace LlmdDoctor.Monitoring.Clients;

/// <summary>
/// Grafana HTTP API client (bearer token or basic auth): <c>/api/health</c> and
/// <c>/api/datasources/uid/{uid}/health</c>, which answers 200 <c>{"status":"OK"}</c> only when the datasource
/// works and 400 <c>{"status":"ERROR","message":…}</c> otherwise (domain-facts §7).
/// </summary>
public sealed class GrafanaClient : IDisposable
{
    private readonly ApiTransport _transport;

    public GrafanaClient(ApiEndpointSettings settings, TimeSpan timeout, int maxResponseBytes) =>
        _transport = new ApiTransport(settings, timeout, maxResponseBytes);

    public string DisplayUrl => _transport.DisplayUrl;

    public Task<ApiResponse> HealthAsync(CancellationToken cancellation) => _transport.GetAsync("api/health", cancellation);

    /// <summary>The health of one datasource; the call itself is returned so 401/403 and unreachability stay visible.</summary>
    public async Task<(ApiResponse Call, GrafanaDatasourceHealth? Health)> DatasourceHealthAsync(string uid, CancellationToken cancellation)
    {
        var call = await _transport.GetAsync($"api/datasources/uid/{Uri.EscapeDataString(uid)}/health", cancellation).ConfigureAwait(false);
        if (call.Outcome is ApiOutcome.Unreachable or ApiOutcome.Unauthorized or ApiOutcome.SchemeMismatch || call.Status is null)
        {
            return (call, null);
        }

        var (status, message) = ReadStatus(call.Body.Span);
        if (call.Status == 404 && message.Length == 0)
        {
            message = $"Grafana has no datasource with uid {uid}";
        }

        return (call, new GrafanaDatasourceHealth(uid, call.Status.Value, status, message));
    }

    private static (string Status, string Message) ReadStatus(ReadOnlySpan<byte> json)
    {
        var status = "";
        var message = "";
        try
        {
            var r = new Utf8JsonReader(json);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return ("", "");
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                r.Read();
                if (r.TokenType == JsonTokenType.String && name == "status")
                {
                    status = r.GetString() ?? "";
                }
                else if (r.TokenType == JsonTokenType.String && name == "message")
                {
                    message = r.GetString() ?? "";
                }
                else
                {
                    r.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML error page): the HTTP status alone tells the story.
        }

        return (status, message);
    }

    public void Dispose() => _transport.Dispose();
}
