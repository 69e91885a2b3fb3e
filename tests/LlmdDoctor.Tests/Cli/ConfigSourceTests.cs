using LlmdDoctor.Agent;
using LlmdDoctor.Configuration;

namespace LlmdDoctor.Tests.Cli;

/// <summary>
/// Issue 16 item 3: every configuration or environment error is a clean <see cref="ConfigException"/> (exit 2) naming
/// where the value came from, the file and line or the <c>LLMD_DOCTOR_*</c> variable; bad OTel settings only warn.
/// </summary>
public sealed class ConfigSourceTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    /// <summary>File text → the message's expected part, or null: the file must load.</summary>
    public static TheoryData<string, string?> Files => new()
    {
        { "interval: 5s", null },
        { "interval: 24h", null },
        { "interval: 1.5m", null },
        { "interval: ' 30s '", null },
        { "probe: {timeout: 500ms, slowThreshold: 10m}", null },
        { "limits: {checkTimeout: 10m, cycleDeadline: 48h}", null },
        { "# nothing but a comment", null },
        { "probe: &p {timeout: 5s}\ngateways: {include: [a/b]}", null },
        { "interval: NaNs", "config.yaml:1: interval: 'NaNs' is not a duration" },
        { "interval: Infinityh", "config.yaml:1: interval: 'Infinityh' is not a duration" },
        { "interval: 1e9s", "config.yaml:1: interval: '1e9s' is not a duration" },
        { "interval: -5s", "config.yaml:1: interval: '-5s' is not a duration" },
        { "interval: 99999999999999999999999h", "interval: '99999999999999999999999h' is not a duration" },
        { "interval: 100000h", "config.yaml:1: interval: '100000h' is longer than 24h, the most it may be" },
        { "interval: 4999ms", "config.yaml:1: interval: must be at least 5s" },
        { "probe:\n  timeout: 0s", "config.yaml:2: probe.timeout: must be at least 1ms" },
        { "probe: {slowThreshold: 1.5.5s}", "probe.slowThreshold: '1.5.5s' is not a duration" },
        { "limits: {checkTimeout: 11m}", "limits.checkTimeout: '11m' is longer than 10m, the most it may be" },
        { "limits: {cycleDeadline: 1s}", "limits.cycleDeadline: must be at least 5s" },
        { "limits: {maxDumpMegabytes: 99999999999999}", "limits.maxDumpMegabytes: '99999999999999' is not a whole number between 1 and 4096" },
        { "probe: {concurrency: -3}", "probe.concurrency: '-3' is not a whole number between 1 and 256" },
        { "interval: 1m\ninterval: 2m", "config.yaml:2: interval: duplicate key" },
        { "probe:\n  timeout: 1s\n  timeout: 2s", "config.yaml:3: timeout: duplicate key" },
        { "? [a, b]\n: c", "config.yaml:1: a key must be a single value" },
        { "probe: {? {x: 1} : 2}", "config.yaml:1: a key must be a single value" },
        { new string('[', 20_000), "config.yaml:1: nesting deeper than 32 levels" },
        { string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', i * 2) + "k:\n")), "nesting deeper than 32 levels" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_file_value_loads_or_fails_naming_the_file_line_and_key(string yaml, string? expected)
    {
        var error = Record.Exception(() => DoctorConfigLoader.Load(yaml, "config.yaml", NoEnvironment));
        if (expected is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expected, Assert.IsType<ConfigException>(error).Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Variable, value, file text → the expected part of the message, or null: it must load.</summary>
    public static TheoryData<string, string, string, string?> Variables => new()
    {
        { "LLMD_DOCTOR_INTERVAL", "30s", "", null },
        { "LLMD_DOCTOR_INTERVAL", "2m", "interval: soon", null },
        { "LLMD_DOCTOR_PROBE_CONCURRENCY", "256", "", null },
        { "LLMD_DOCTOR_CYCLE_DEADLINE", "10m", "", null },
        { "LLMD_DOCTOR_PROMETHEUS_URL", "http://127.0.0.1:9090", "prometheus: {tokenFile: /t}", null },
        { "LLMD_DOCTOR_INTERVAL", "ten", "", "environment variable LLMD_DOCTOR_INTERVAL: interval: 'ten' is not a duration" },
        { "LLMD_DOCTOR_INTERVAL", "ten", "interval: 1m", "environment variable LLMD_DOCTOR_INTERVAL: interval: 'ten' is not a duration" },
        { "LLMD_DOCTOR_INTERVAL", "NaNs", "", "environment variable LLMD_DOCTOR_INTERVAL: interval: 'NaNs' is not a duration" },
        { "LLMD_DOCTOR_INTERVAL", "1s", "", "environment variable LLMD_DOCTOR_INTERVAL: interval: must be at least 5s" },
        { "LLMD_DOCTOR_INTERVAL", "9999999999999999999999999m", "", "environment variable LLMD_DOCTOR_INTERVAL: interval: '9999999999999999999999999m' is not a duration" },
        { "LLMD_DOCTOR_PROBE_TIMEOUT", "-1s", "probe: {concurrency: 2}", "environment variable LLMD_DOCTOR_PROBE_TIMEOUT: probe.timeout: '-1s' is not a duration" },
        { "LLMD_DOCTOR_PROBE_TIMEOUT", "1h", "", "environment variable LLMD_DOCTOR_PROBE_TIMEOUT: probe.timeout: '1h' is longer than 10m" },
        { "LLMD_DOCTOR_PROBE_CONCURRENCY", "1e3", "", "environment variable LLMD_DOCTOR_PROBE_CONCURRENCY: probe.concurrency: '1e3' is not a whole number" },
        { "LLMD_DOCTOR_PROBE_CONCURRENCY", "99999999999", "", "environment variable LLMD_DOCTOR_PROBE_CONCURRENCY: probe.concurrency: '99999999999' is not a whole number" },
        { "LLMD_DOCTOR_PROMETHEUS_URL", "ftp://thanos:9091", "", "environment variable LLMD_DOCTOR_PROMETHEUS_URL: prometheus.url: 'ftp://thanos:9091' is not an http(s) URL" },
        { "LLMD_DOCTOR_GRAFANA_URL", "https://u:hunter2@grafana", "", "environment variable LLMD_DOCTOR_GRAFANA_URL: grafana.url: has a user name or password" },
        { "LLMD_DOCTOR_RUNBOOK_BASE_URL", "not a url", "", "environment variable LLMD_DOCTOR_RUNBOOK_BASE_URL: runbookBaseUrl:" },
        { "LLMD_DOCTOR_CYCLE_DEADLINE", "1000h", "", "environment variable LLMD_DOCTOR_CYCLE_DEADLINE: limits.cycleDeadline: '1000h' is longer than 48h" },

        // The file is read first: its own bad value is named by file and line even when a variable sets another key.
        { "LLMD_DOCTOR_INTERVAL", "30s", "probe:\n  timeout: ten", "config.yaml:2: probe.timeout: 'ten' is not a duration" },
    };

    [Theory]
    [MemberData(nameof(Variables))]
    public void An_environment_value_loads_or_fails_naming_the_variable(string variable, string value, string yaml, string? expected)
    {
        var error = Record.Exception(() => DoctorConfigLoader.Load(yaml, "config.yaml", new Dictionary<string, string?> { [variable] = value }));
        if (expected is null)
        {
            Assert.Null(error);
        }
        else
        {
            var message = Assert.IsType<ConfigException>(error).Message;
            Assert.Contains(expected, message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_cycle_deadline_key_sets_the_agent_deadline()
    {
        Assert.Null(DoctorConfigLoader.Load("", "config.yaml", NoEnvironment).Limits.CycleDeadline);
        Assert.Equal(TimeSpan.FromMinutes(7), DoctorConfigLoader.Load("limits: {cycleDeadline: 7m}", "config.yaml", NoEnvironment).Limits.CycleDeadline);
        Assert.Equal(TimeSpan.FromSeconds(90), DoctorConfigLoader.Load("", "c", new Dictionary<string, string?> { ["LLMD_DOCTOR_CYCLE_DEADLINE"] = "90s" }).Limits.CycleDeadline);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1500)]
    [InlineData(" 2m ", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    [InlineData("NaNs", -1)]
    [InlineData("Infinityms", -1)]
    [InlineData("-1s", -1)]
    [InlineData("+1s", -1)]
    [InlineData("1e3s", -1)]
    [InlineData("1,5s", -1)]
    [InlineData("s", -1)]
    [InlineData("5", -1)]
    [InlineData(".", -1)]
    [InlineData("999999999999999999h", -1)]
    [InlineData("1.7976931348623157E+308h", -1)]
    public void Durations_parse_only_finite_non_negative_decimals(string text, long expectedMilliseconds)
    {
        var ok = DoctorConfigLoader.TryParseDuration(text, out var duration);
        Assert.Equal(expectedMilliseconds >= 0, ok);
        if (ok)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), duration);
        }
    }

    [Fact]
    public void A_config_file_larger_than_a_ConfigMap_is_refused_unread()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# " + new string('x', (int)DoctorConfigLoader.MaxFileBytes));
            var ex = Assert.Throws<ConfigException>(() => DoctorConfigLoader.LoadFile(path, NoEnvironment));
            Assert.StartsWith($"{path}: cannot read the configuration file:", ex.Message, StringComparison.Ordinal);
            Assert.Contains("more than the 1 MiB", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_config_path_that_is_a_fifo_fails_instead_of_blocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var dir = Directory.CreateTempSubdirectory("config-fifo-");
        try
        {
            var fifo = Path.Combine(dir.FullName, "config.yaml");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            {
                await mkfifo.WaitForExitAsync();
            }

            var error = await Task.Run(() => Record.Exception(() => DoctorConfigLoader.LoadFile(fifo, NoEnvironment))).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("not a regular file", Assert.IsType<ConfigException>(error).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>OTEL_* variables → the expected part of the warning, or null: tracing may start.</summary>
    public static TheoryData<Dictionary<string, string?>, string?> Telemetry => new()
    {
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel-collector:4317" }, null },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://otel:4318", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=abc,x-tenant=t1" }, null },
        { new() { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://otel:4318/v1/traces", ["OTEL_EXPORTER_OTLP_HEADERS"] = "" }, null },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "not a url" }, "OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL" },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "otel-collector:4317" }, "OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL" },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "file:///etc/passwd" }, "OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL" },
        { new() { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://" }, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not an http(s) URL" },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "carrier-pigeon" }, "OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf" },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317", ["OTEL_EXPORTER_OTLP_HEADERS"] = "no-equals-sign" }, "OTEL_EXPORTER_OTLP_HEADERS is not a comma-separated list" },
        { new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://otel:4317", ["OTEL_EXPORTER_OTLP_HEADERS"] = "a=b\r\nInjected: yes" }, "OTEL_EXPORTER_OTLP_HEADERS is not a comma-separated list" },
    };

    [Theory]
    [MemberData(nameof(Telemetry))]
    public void A_bad_otel_setting_is_a_warning_and_tracing_stays_off(Dictionary<string, string?> environment, string? expected)
    {
        using var warnings = new StringWriter();
        using var provider = DoctorTracing.StartIfConfigured(name => environment.GetValueOrDefault(name), warnings);
        if (expected is null)
        {
            Assert.NotNull(provider);
            Assert.Equal("", warnings.ToString());
        }
        else
        {
            Assert.Null(provider);
            Assert.Contains($"warning: {expected}", warnings.ToString(), StringComparison.Ordinal);
            Assert.Contains("tracing is off", warnings.ToString(), StringComparison.Ordinal);
        }
    }

    public static TheoryData<string[], int> CommandsUnderBadTelemetry => new()
    {
        { ["explain"], 0 },
        { ["explain", "LLMD0301"], 0 },
        { ["--help"], 0 },
        { ["check", "--help"], 0 },
        { ["analyze", Repository.ScenarioBundle("healthy")], 0 },
    };

    [Theory]
    [MemberData(nameof(CommandsUnderBadTelemetry))]
    public async Task Every_command_runs_under_a_bad_otel_endpoint_with_one_warning(string[] args, int exitCode)
    {
        var result = await CliRunner.RunAsync(args, env: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "::not a url::",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer s3cr3t",
        });
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains("warning: OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL; tracing is off", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", result.Error + result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LLMD_DOCTOR_INTERVAL", "NaNs", "environment variable LLMD_DOCTOR_INTERVAL: interval: 'NaNs' is not a duration")]
    [InlineData("LLMD_DOCTOR_PROBE_TIMEOUT", "99999999999999999999999h", "environment variable LLMD_DOCTOR_PROBE_TIMEOUT: probe.timeout:")]
    [InlineData("LLMD_DOCTOR_CYCLE_DEADLINE", "-5m", "environment variable LLMD_DOCTOR_CYCLE_DEADLINE: limits.cycleDeadline:")]
    public async Task A_bad_environment_value_exits_2_naming_the_variable(string variable, string value, string expected)
    {
        var result = await CliRunner.RunAsync(["analyze", Repository.ScenarioBundle("healthy")], env: new Dictionary<string, string> { [variable] = value });
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"llmd-doctor: {expected}", result.Error.Trim()[..$"llmd-doctor: {expected}".Length]);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }
}
