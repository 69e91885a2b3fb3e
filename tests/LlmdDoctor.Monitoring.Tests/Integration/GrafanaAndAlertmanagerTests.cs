using System.Net;
using LlmdDoctor.Monitoring.Tests.Fakes;
using static LlmdDoctor.Monitoring.Tests.Fakes.TestCluster;

namespace LlmdDoctor.Monitoring.Tests.Integration;

/// <summary>
/// The Grafana and Alertmanager clients against local fakes that answer like the real APIs: Grafana's datasource
/// health is 200 <c>{"status":"OK"}</c> or 400 <c>{"status":"ERROR","message":…}</c>; 401/403/503 mean the question failed.
/// </summary>
public sealed class GrafanaAndAlertmanagerTests
{
    private const string GrafanaToken = "grafana-service-account-token";

    private static (int, string, string) Grafana(HttpListenerRequest request, int healthStatus = 200)
    {
        var path = request.Url!.AbsolutePath;
        if (path == "/api/health")
        {
            return healthStatus == 200 ? (200, "application/json", """{"database":"ok","version":"11.3.0"}""") : (healthStatus, "text/plain", "Service Unavailable");
        }

        if (request.Headers["Authorization"] != $"Bearer {GrafanaToken}")
        {
            return (401, "application/json", """{"message":"Unauthorized"}""");
        }

        return path switch
        {
            "/api/datasources/uid/prometheus/health" => (200, "application/json", """{"status":"OK","message":"Successfully queried the Prometheus API."}"""),
            "/api/datasources/uid/broken/health" => (400, "application/json", """{"status":"ERROR","message":"Post \"https://thanos-querier.openshift-monitoring.svc:9091/api/v1/query\": 401 Unauthorized"}"""),
            "/api/datasources/uid/forbidden/health" => (403, "application/json", """{"message":"Permissions needed: datasources:query"}"""),
            _ => (404, "application/json", """{"message":"Data source not found"}"""),
        };
    }

    private static MonitoringSettings WithGrafana(LoopbackHttpServer server, string token = GrafanaToken) => new()
    {
        Prometheus = new PrometheusSettings { Discover = false },
        Grafana = new ApiEndpointSettings { Url = new Uri(server.Url), Credential = ApiCredential.Bearer(token) },
        Timeout = TimeSpan.FromSeconds(5),
    };

    public static TheoryData<string, string, int, string?> GrafanaCases() => new()
    {
        { "healthy datasource", "prometheus", 200, null },
        { "datasource health ERROR", "broken", 200, "LLMD0606" },
        { "datasource unknown to Grafana", "missing", 200, "LLMD0606" },
        { "403 on datasource health", "forbidden", 200, "LLMD0002" },
        { "Grafana down (503)", "prometheus", 503, "LLMD0003" },
    };

    [Theory]
    [MemberData(nameof(GrafanaCases))]
    public async Task Grafana_datasource_health(string scenario, string uid, int healthStatus, string? code)
    {
        using var grafana = new LoopbackHttpServer(r => Grafana(r, healthStatus));
        var run = await RunAsync([GrafanaDatasource(uid), GrafanaInstance()], WithGrafana(grafana));

        var codes = run.Findings.Select(f => f.Code).ToList();
        if (code is null)
        {
            Assert.True(codes.Count == 0, $"{scenario}: {Describe(run)}");
        }
        else
        {
            Assert.True(codes.SequenceEqual([code]), $"{scenario}: {Describe(run)}");
        }
    }

    [Fact]
    public async Task Wrong_grafana_credential_is_a_permission_problem_and_never_shown()
    {
        using var grafana = new LoopbackHttpServer(r => Grafana(r));
        var run = await RunAsync([GrafanaDatasource("prometheus"), GrafanaInstance()], WithGrafana(grafana, "wrong-secret-value"));

        var finding = Assert.Single(run.Findings);
        Assert.Equal("LLMD0002", finding.Code);
        Assert.Contains(run.Skipped, s => s.Check == "grafana.DatasourceHealth");
        Assert.DoesNotContain("wrong-secret-value", finding.Message + string.Join(" ", finding.Evidence.Values), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"labels":{"alertname":"LlmdDoctorHeartbeat"},"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]""", null)]
    [InlineData("[]", "LLMD0701")]
    [InlineData("""[{"labels":{"alertname":"LlmdDoctorHeartbeat"},"status":{"state":"suppressed","silencedBy":["x"],"inhibitedBy":[]}}]""", "LLMD0701")]
    public async Task Alertmanager_heartbeat(string alerts, string? code)
    {
        string? filter = null;
        using var alertmanager = new LoopbackHttpServer(r =>
        {
            filter = r.QueryString["filter"];
            return (200, "application/json", alerts);
        });
        var settings = new MonitoringSettings
        {
            Prometheus = new PrometheusSettings { Discover = false },
            Alertmanager = new ApiEndpointSettings { Url = new Uri(alertmanager.Url) },
        };

        var run = await RunAsync([], settings);

        Assert.Equal("alertname=\"LlmdDoctorHeartbeat\"", filter);
        Assert.Equal(code is null ? [] : [code], run.Findings.Select(f => f.Code));
    }

    [Fact]
    public async Task Nothing_configured_skips_with_reasons()
    {
        var run = await RunAsync([], new MonitoringSettings { Prometheus = new PrometheusSettings { Discover = false } });

        Assert.Empty(run.Findings);
        Assert.Contains(run.Skipped, s => s.Check == "grafana.DatasourceHealth" && s.Reason == "no Grafana URL configured");
        Assert.Contains(run.Skipped, s => s.Check == "alerting.HeartbeatDelivered" && s.Reason == "no Alertmanager URL configured");
        Assert.Contains(run.Skipped, s => s.Check == "monitoring.MetricsPresent" && s.Reason.StartsWith("no Prometheus URL configured", StringComparison.Ordinal));
    }
}
