using LlmdDoctor.Monitoring.Tests.Fakes;
using static LlmdDoctor.Monitoring.Tests.Fakes.TestCluster;

namespace LlmdDoctor.Monitoring.Tests.Integration;

/// <summary>
/// The collector and the monitoring checks against a real Prometheus behind a real nginx (HTTPS + bearer token).
/// Each scenario looks at one model namespace of the shared Prometheus; the healthy one must produce nothing.
/// </summary>
public sealed class PrometheusCollectorTests(PrometheusStack stack) : IClassFixture<PrometheusStack>
{
    private static readonly string[] PathCodes =
        ["LLMD0501", "LLMD0502", "LLMD0503", "LLMD0504", "LLMD0505", "LLMD0506", "LLMD0507", "LLMD0508",
         "LLMD0601", "LLMD0602", "LLMD0603", "LLMD0604", "LLMD0605", "LLMD0606", "LLMD0607", "LLMD0701", "LLMD0702", "LLMD0001", "LLMD0003"];

    private MonitoringSettings ViaNginx(ApiCredential credential, string? url = null) => new()
    {
        Prometheus = new PrometheusSettings { Url = new Uri(url ?? stack.NginxUrl), Credential = credential, CaFile = stack.CaFile },
        Timeout = TimeSpan.FromSeconds(5),
    };

    private static List<string> HealthyObjects() =>
    [
        .. Model("healthy-model"),
        Dashboard("vllm-overview", "sum by (model_name) (kserve_vllm:num_requests_running{namespace=\"$namespace\"})"),
        Rule("llm-d-monitoring", "llmd-doctor", "llmd-doctor.rules", "LlmdDoctorHeartbeat", "vector(1)"),
        GrafanaInstance(),
    ];

    [Fact]
    public async Task Healthy_setup_through_https_and_a_good_token_reports_nothing()
    {
        var run = await RunAsync(HealthyObjects(), ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        Assert.True(run.Findings.Count == 0, Describe(run));
        Assert.DoesNotContain(run.Skipped, s => s.Check is "monitoring.ScrapeTargetsUp" or "monitoring.MetricsPresent" or "grafana.DashboardQueries" or "alerting.RulesLoaded");
    }

    [Fact]
    public async Task Token_from_a_file_is_read_and_accepted()
    {
        var file = Path.Combine(stack.Directory, "token");
        await File.WriteAllTextAsync(file, PrometheusStack.Token + "\n");
        var run = await RunAsync(HealthyObjects(), ViaNginx(ApiCredential.BearerFromFile(file)));
        Assert.True(run.Findings.Count == 0, Describe(run));
    }

    public static TheoryData<string, string, string> FailingDatasources() => new()
    {
        { "wrong token", "wrong", "LLMD0602" },
        { "missing token", "", "LLMD0602" },
        { "missing token file", "file:/nonexistent/token", "LLMD0602" },
        { "http against the HTTPS port", "http-to-https", "LLMD0603" },
        { "https against plain HTTP Prometheus", "https-to-http", "LLMD0603" },
        { "nothing listening", "dead", "LLMD0601" },
        { "DNS name that does not resolve", "dns", "LLMD0601" },
    };

    [Theory]
    [MemberData(nameof(FailingDatasources))]
    public async Task Datasource_failure_is_named_and_data_checks_are_skipped_not_healthy(string scenario, string variant, string code)
    {
        var settings = variant switch
        {
            "wrong" => ViaNginx(ApiCredential.Bearer("not-the-token")),
            "" => ViaNginx(ApiCredential.None),
            "file:/nonexistent/token" => ViaNginx(ApiCredential.BearerFromFile("/nonexistent/token")),
            "http-to-https" => ViaNginx(ApiCredential.Bearer(PrometheusStack.Token), $"http://127.0.0.1:{stack.NginxPort}"),
            "https-to-http" => ViaNginx(ApiCredential.None, $"https://127.0.0.1:{stack.PrometheusPort}"),
            "dead" => ViaNginx(ApiCredential.None, $"http://127.0.0.1:{stack.DeadPort}"),
            _ => ViaNginx(ApiCredential.None, "https://thanos-querier.openshift-monitoring.invalid:9091"),
        };

        var run = await RunAsync(HealthyObjects(), settings);

        var finding = Assert.Single(run.Findings, f => f.Code.StartsWith("LLMD060", StringComparison.Ordinal));
        Assert.True(finding.Code == code, $"{scenario}: {Describe(run)}");
        Assert.Contains(run.Findings, f => f.Code == "LLMD0003");
        Assert.Contains(run.Skipped, s => s.Check == "monitoring.MetricsPresent");
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0001");
        var everything = string.Join(" ", run.Findings.SelectMany(f => f.Evidence.Values.Append(f.Message)));
        Assert.DoesNotContain(PrometheusStack.Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scheme_mismatch_names_both_directions()
    {
        var toHttps = await RunAsync(HealthyObjects(), ViaNginx(ApiCredential.None, $"http://127.0.0.1:{stack.NginxPort}"));
        var toHttp = await RunAsync(HealthyObjects(), ViaNginx(ApiCredential.None, $"https://127.0.0.1:{stack.PrometheusPort}"));

        var a = Assert.Single(toHttps.Findings, f => f.Code == "LLMD0603");
        Assert.Equal(("http", "https"), (a.Evidence["configured"], a.Evidence["actual"]));
        var b = Assert.Single(toHttp.Findings, f => f.Code == "LLMD0603");
        Assert.Equal(("https", "http"), (b.Evidence["configured"], b.Evidence["actual"]));
        Assert.Contains("server gave HTTP response to HTTPS client", b.Message + b.Evidence["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Targets_down_report_0505()
    {
        var run = await RunAsync(Model("down-model"), ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        var finding = Assert.Single(run.Findings, f => f.Code == "LLMD0505");
        Assert.Equal("down-model/kserve-llm-isvc-vllm-engine", finding.Evidence["job"]);
        Assert.Contains(run.Findings, f => f.Code == "LLMD0506" && f.Evidence["detail"].Contains("down", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Findings, f => f.Code is "LLMD0601" or "LLMD0602" or "LLMD0603");
    }

    [Fact]
    public async Task Metrics_absent_report_0506_for_vllm_and_epp()
    {
        var run = await RunAsync(Model("silent-model", rename: false), ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        Assert.Equal(["Endpoint Picker", "vLLM"], run.Findings.Where(f => f.Code == "LLMD0506").Select(f => f.Evidence["family"]).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0505");
    }

    [Fact]
    public async Task Dashboard_querying_kserve_names_while_series_are_plain_reports_0507_from_prometheus()
    {
        var objects = new List<string>(Model("plain-model", rename: false))
        {
            Dashboard("vllm-overview", "sum(kserve_vllm:num_requests_running)"),
        };
        var run = await RunAsync(objects, ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        var finding = Assert.Single(run.Findings, f => f.Code == "LLMD0507");
        Assert.Equal("kserve_vllm:num_requests_running", finding.Evidence["queried"]);
        Assert.Equal("vllm:num_requests_running", finding.Evidence["present"]);
        Assert.StartsWith("series seen in Prometheus", finding.Evidence["basis"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_panel_without_series_reports_0607()
    {
        var objects = new List<string>(HealthyObjects()) { Dashboard("legacy-vllm", "avg(kserve_vllm:gpu_cache_usage_perc{model_name=~\"$model\"})") };
        var run = await RunAsync(objects, ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        var finding = Assert.Single(run.Findings, f => f.Code == "LLMD0607");
        Assert.Equal("llm-d-monitoring/legacy-vllm", finding.Evidence["dashboard"]);
        Assert.Equal("avg(kserve_vllm:gpu_cache_usage_perc{model_name=~\".*\"})", finding.Evidence["query"]);
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0507");
    }

    [Fact]
    public async Task Renamed_series_and_plain_dashboard_report_0507()
    {
        var objects = new List<string>(HealthyObjects()) { Dashboard("upstream-vllm", "vllm:kv_cache_usage_perc") };
        var run = await RunAsync(objects, ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        var finding = Assert.Single(run.Findings, f => f.Code == "LLMD0507");
        Assert.Equal("kserve_vllm:kv_cache_usage_perc", finding.Evidence["present"]);
    }

    [Fact]
    public async Task Rule_not_loaded_reports_0702()
    {
        var objects = new List<string>(HealthyObjects())
        {
            Rule("healthy-model", "vllm-alerts", "vllm.rules", "VllmQueueHigh", "kserve_vllm:num_requests_waiting > 10"),
        };
        var run = await RunAsync(objects, ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));

        var finding = Assert.Single(run.Findings, f => f.Code == "LLMD0702");
        Assert.Equal("healthy-model/vllm-alerts", finding.Evidence["rule"]);
    }

    [Fact]
    public async Task Healthy_run_reports_no_monitoring_path_code()
    {
        var run = await RunAsync(HealthyObjects(), ViaNginx(ApiCredential.Bearer(PrometheusStack.Token)));
        Assert.DoesNotContain(run.Findings, f => PathCodes.Contains(f.Code));
    }
}
