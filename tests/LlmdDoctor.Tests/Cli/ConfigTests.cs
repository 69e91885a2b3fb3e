using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Tests.Cli;

public sealed class ConfigTests
{
    [Fact]
    public void An_empty_file_gives_the_defaults()
    {
        var config = DoctorConfigLoader.Load("", "config.yaml", new Dictionary<string, string?>());
        Assert.Equal(TimeSpan.FromSeconds(60), config.Interval);
        Assert.Equal(8, config.Probe.Concurrency);
        Assert.Null(config.Prometheus);
        // Unset: the agent links its own /runbooks, check/analyze/fix the relative runbooks/ folder.
        Assert.Null(config.RunbookBaseUrl);
    }

    [Fact]
    public void A_full_file_is_read()
    {
        const string yaml = """
            interval: 2m
            probe: {timeout: 5s, concurrency: 4, slowThreshold: 1500ms, model: Qwen/Qwen3-0.6B, direct: false}
            gateways:
              include: [openshift-ingress/maas-gateway]
              overrides:
                openshift-ingress/maas-gateway:
                  url: https://maas-gateway-openshift-ai-inference.openshift-ingress.svc
                  insecureSkipVerify: true
                  credential: {namespace: llm-d-monitoring, name: maas-probe, key: token}
            prometheus: {url: "https://thanos-querier.openshift-monitoring.svc:9091", tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token}
            severityOverrides: {LLMD0403: warning}
            suppressions: [LLMD0409, "LLMD0403=openshift-ingress/maas-gateway"]
            """;
        var config = DoctorConfigLoader.Load(yaml, "config.yaml", new Dictionary<string, string?>());
        Assert.Equal(TimeSpan.FromMinutes(2), config.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), config.Probe.SlowThreshold);
        Assert.False(config.Probe.Direct);
        Assert.True(config.Gateways.Selects("openshift-ingress/maas-gateway"));
        Assert.False(config.Gateways.Selects("openshift-ingress/openshift-ai-inference"));
        Assert.Equal("maas-probe", config.Gateways.Overrides["openshift-ingress/maas-gateway"].Credential!.Name);
        Assert.Equal("https://thanos-querier.openshift-monitoring.svc:9091", config.Prometheus!.Url);
        Assert.Equal(Severity.Warning, config.SeverityOverrides["LLMD0403"]);
        Assert.Equal(2, config.Suppressions.Count);
    }

    [Fact]
    public void Environment_overrides_the_file()
    {
        var config = DoctorConfigLoader.Load("interval: 2m", "config.yaml",
            new Dictionary<string, string?> { ["LLMD_DOCTOR_INTERVAL"] = "30s", ["LLMD_DOCTOR_PROMETHEUS_URL"] = "http://127.0.0.1:9090" });
        Assert.Equal(TimeSpan.FromSeconds(30), config.Interval);
        Assert.Equal("http://127.0.0.1:9090", config.Prometheus!.Url);
    }

    /// <summary>Every invalid key gives the exact key and reason (issue #11's config row).</summary>
    [Theory]
    [InlineData("intervall: 1m", "config.yaml:1: intervall: unknown key")]
    [InlineData("interval: soon", "config.yaml:1: interval: 'soon' is not a duration")]
    [InlineData("interval: 1s", "interval: must be at least 5s")]
    [InlineData("probe:\n  timout: 5s", "config.yaml:2: probe.timout: unknown key")]
    [InlineData("probe: {concurrency: 0}", "probe.concurrency: '0' is not a whole number between 1 and 256")]
    [InlineData("probe: {direct: maybe}", "probe.direct: 'maybe' is not true or false")]
    [InlineData("probe: 5", "probe: expected a mapping")]
    [InlineData("prometheus: {tokenFile: /t}", "prometheus.url: is required")]
    [InlineData("prometheus: {url: thanos:9091}", "prometheus.url: 'thanos:9091' is not an http(s) URL")]
    [InlineData("grafana: {url: 'https://g', credential: {name: s, key: k}}", "grafana.credential.namespace: is required")]
    [InlineData("gateways: {include: [maas-gateway]}", "gateways.include: 'maas-gateway' is not NAMESPACE/NAME")]
    [InlineData("gateways: {overrides: {maas: {url: 'https://x'}}}", "gateways.overrides.maas: a gateway override key must be NAMESPACE/NAME")]
    [InlineData("severityOverrides: {LLMD9999: info}", "severityOverrides.LLMD9999: unknown finding code")]
    [InlineData("severityOverrides: {LLMD0403: loud}", "severityOverrides.LLMD0403: 'loud' is not a severity")]
    [InlineData("suppressions: [LLMD04]", "suppressions: 'LLMD04': unknown finding code")]
    [InlineData("limits: {maxBodyBytes: 10}", "limits.maxBodyBytes: '10' is not a whole number between 256 and 1048576")]
    [InlineData("- a\n- b", "config.yaml: the configuration must be a mapping of keys")]
    [InlineData("interval: [1m", "config.yaml:2:1: invalid YAML")]
    public void A_bad_key_fails_with_the_key_and_the_reason(string yaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => DoctorConfigLoader.Load(yaml, "config.yaml", new Dictionary<string, string?>()));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task A_bad_config_file_exits_2_with_the_key()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "probe:\n  concurrency: lots\n");
            var result = await CliRunner.RunAsync(["check", "--config", path]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("probe.concurrency: 'lots'", result.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_missing_config_file_exits_2_naming_it()
    {
        var result = await CliRunner.RunAsync(["check", "--config", "/nonexistent/llmd.yaml"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/llmd.yaml", result.Error);
    }
}
