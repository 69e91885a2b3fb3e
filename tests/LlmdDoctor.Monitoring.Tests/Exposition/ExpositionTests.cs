using System.Diagnostics;
using LlmdDoctor.Monitoring.Exposition;

namespace LlmdDoctor.Monitoring.Tests.Exposition;

public sealed class ExpositionTests
{
    private static MetricsPage Sample()
    {
        var page = new MetricsPage();
        page.Gauge("llmd_doctor_finding_active", "1 per active finding.\nSee the runbook.", "code", "name", "severity", "namespace", "kind", "resource", "runbook_url")
            .Add(1, "LLMD0401", "ChatCompletionBodyLost", "critical", "openshift-ingress", "Gateway", "maas-gateway", "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks/LLMD0401")
            .Add(1, "LLMD0507", "MetricPrefixMismatch", "warning", "llm-d-monitoring", "GrafanaDashboard", "quote\"back\\slash\nnewline", "http://x/runbooks/LLMD0507");
        page.Counter("llmd_doctor_cycles_total", "Completed cycles.").Add(3);
        page.Gauge("llmd_doctor_probe_duration_seconds", "Probe phase duration.", "phase").Add(0.041, "total").Add(double.NaN, "tls").Add(1e-7, "connect");
        return page;
    }

    [Fact]
    public void Renders_the_text_format_with_escaping()
    {
        var text = Sample().RenderText();
        Assert.Contains("# HELP llmd_doctor_finding_active 1 per active finding.\\nSee the runbook.\n", text);
        Assert.Contains("# TYPE llmd_doctor_cycles_total counter\nllmd_doctor_cycles_total 3\n", text);
        Assert.Contains("resource=\"quote\\\"back\\\\slash\\nnewline\"", text);
        Assert.Contains("llmd_doctor_probe_duration_seconds{phase=\"tls\"} NaN\n", text);
        Assert.Contains("llmd_doctor_probe_duration_seconds{phase=\"connect\"} 1E-07\n", text);
    }

    [Theory]
    [InlineData("bad-name")]
    [InlineData("9starts_with_digit")]
    [InlineData("")]
    public void Invalid_metric_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricFamily(name, "h", MetricType.Gauge));

    [Theory]
    [InlineData("__reserved")]
    [InlineData("has:colon")]
    [InlineData("has-dash")]
    public void Invalid_label_names_are_refused(string label) =>
        Assert.Throws<ArgumentException>(() => new MetricFamily("ok", "h", MetricType.Gauge, label));

    [Fact]
    public void A_sample_needs_every_label()
    {
        var family = new MetricFamily("ok", "h", MetricType.Gauge, "a", "b");
        Assert.Throws<ArgumentException>(() => family.Add(1, "only-one"));
    }

    /// <summary>The real peer: Debian's promtool must accept what we write.</summary>
    [Fact]
    public void Promtool_check_metrics_accepts_the_output()
    {
        var (code, output) = Promtool.CheckMetrics(Sample().RenderText());
        Assert.True(code == 0, $"promtool check metrics failed ({code}): {output}");
    }

    [Fact]
    public void Promtool_rejects_a_broken_page_so_the_test_above_can_fail()
    {
        var (code, _) = Promtool.CheckMetrics("# TYPE x gauge\nx{a=\"unterminated} 1\n");
        Assert.NotEqual(0, code);
    }
}

/// <summary>Runs Debian's promtool; the test script installs it (package prometheus).</summary>
public static class Promtool
{
    public static (int Code, string Output) CheckMetrics(string page)
    {
        var path = File.Exists("/usr/bin/promtool") ? "/usr/bin/promtool"
            : throw new InvalidOperationException("promtool is missing: apt-get install prometheus (scripts/test.sh does)");
        var start = new ProcessStartInfo(path, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(page);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit(30_000);
        return (process.ExitCode, output);
    }
}
