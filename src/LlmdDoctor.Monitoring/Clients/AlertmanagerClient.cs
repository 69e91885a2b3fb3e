using System.Text.Json;
using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Http;

namespace LlmdDoctor.Monitoring.Clients;

/// <summary>Alertmanager v2 API client: is the doctor's always-firing heartbeat alert there?</summary>
public sealed class AlertmanagerClient : IDisposable
{
    public const string HeartbeatAlert = "LlmdDoctorHeartbeat";

    private readonly ApiTransport _transport;

    public AlertmanagerClient(ApiEndpointSettings settings, TimeSpan timeout, int maxResponseBytes) =>
        _transport = new ApiTransport(settings, timeout, maxResponseBytes);

    public string DisplayUrl => _transport.DisplayUrl;

    /// <summary><c>GET /api/v2/alerts?filter=alertname="LlmdDoctorHeartbeat"</c>: how many such alerts, and how many active.</summary>
    public async Task<(ApiResponse Call, AlertmanagerFacts? Facts)> HeartbeatAsync(CancellationToken cancellation)
    {
        var call = await _transport.GetAsync("api/v2/alerts?filter=" + Uri.EscapeDataString($"alertname=\"{HeartbeatAlert}\""), cancellation).ConfigureAwait(false);
        if (!call.IsSuccess)
        {
            return (call, null);
        }

        try
        {
            var (total, active) = Count(call.Body.Span);
            return (call, new AlertmanagerFacts(DisplayUrl, total, active));
        }
        catch (JsonException ex)
        {
            return (call with { Outcome = ApiOutcome.BadResponse, Reason = "not an Alertmanager answer", Detail = ex.Message }, null);
        }
    }

    private static (int Total, int Active) Count(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        PrometheusJson.Expect(ref r, JsonTokenType.StartArray);
        var total = 0;
        var active = 0;
        while (PrometheusJson.Next(ref r) == JsonTokenType.StartObject)
        {
            total++;
            while (PrometheusJson.Next(ref r) == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                PrometheusJson.Next(ref r);
                if (name == "status" && r.TokenType == JsonTokenType.StartObject)
                {
                    while (PrometheusJson.Next(ref r) == JsonTokenType.PropertyName)
                    {
                        var key = r.GetString();
                        PrometheusJson.Next(ref r);
                        if (key == "state" && r.TokenType == JsonTokenType.String && r.GetString() == "active")
                        {
                            active++;
                        }
                        else
                        {
                            r.Skip();
                        }
                    }
                }
                else
                {
                    r.Skip();
                }
            }
        }

        return (total, active);
    }

    public void Dispose() => _transport.Dispose();
}
