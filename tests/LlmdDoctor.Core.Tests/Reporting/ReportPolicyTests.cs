using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Core.Tests.Reporting;

public sealed class ReportPolicyTests
{
    [Theory]
    [InlineData("LLMD0401", "LLMD0401", null, null)]
    [InlineData("llmd0401", "LLMD0401", null, null)]
    [InlineData("LLMD0401=openshift-ingress/maas-gateway", "LLMD0401", "openshift-ingress", "maas-gateway")]
    [InlineData("LLMD0501=cluster-monitoring", "LLMD0501", null, "cluster-monitoring")]
    public void Suppressions_parse(string text, string code, string? ns, string? name)
    {
        Assert.True(Suppression.TryParse(text, out var s, out _));
        Assert.Equal(new Suppression(code, ns, name), s);
    }

    [Theory]
    [InlineData("LLMD9999", "unknown finding code")]
    [InlineData("nonsense", "unknown finding code")]
    [InlineData("LLMD0401=", "expected CODE or CODE=NAMESPACE/NAME")]
    [InlineData("LLMD0401=a/b/c", "expected CODE or CODE=NAMESPACE/NAME")]
    [InlineData("LLMD0401=/name", "expected CODE or CODE=NAMESPACE/NAME")]
    public void Bad_suppressions_say_why(string text, string reason)
    {
        Assert.False(Suppression.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Contains(text.Split('=')[0], error);
    }

    [Fact]
    public void A_code_suppression_hides_every_subject_and_is_counted_out_of_the_summary()
    {
        Assert.True(Suppression.TryParse("LLMD0507", out var s, out _));
        var report = ReportSamples.Build(new ReportPolicy { Suppressions = [s!] });
        Assert.DoesNotContain(report.Findings, f => f.Code == "LLMD0507");
        Assert.Equal(1, report.Summary.Warning);
    }

    [Fact]
    public void A_subject_suppression_hides_only_that_subject()
    {
        Assert.True(Suppression.TryParse("LLMD0401=openshift-ingress/other-gateway", out var other, out _));
        Assert.Contains(ReportSamples.Build(new ReportPolicy { Suppressions = [other!] }).Findings, f => f.Code == "LLMD0401");
        Assert.True(Suppression.TryParse("LLMD0401=openshift-ingress/maas-gateway", out var maas, out _));
        Assert.DoesNotContain(ReportSamples.Build(new ReportPolicy { Suppressions = [maas!] }).Findings, f => f.Code == "LLMD0401");
    }

    [Fact]
    public void Severity_overrides_apply_before_output_and_summary()
    {
        var policy = new ReportPolicy { SeverityOverrides = new Dictionary<string, Severity> { ["LLMD0401"] = Severity.Warning } };
        var report = ReportSamples.Build(policy);
        Assert.Equal("warning", report.Findings.Single(f => f.Code == "LLMD0401").Severity);
        Assert.Equal(0, report.Summary.Critical);
        Assert.Equal(3, report.Summary.Warning);
    }

    [Theory]
    [InlineData(FailOn.Critical, new[] { Severity.Warning, Severity.Info }, 0)]
    [InlineData(FailOn.Critical, new[] { Severity.Critical }, 1)]
    [InlineData(FailOn.Warning, new[] { Severity.Info }, 0)]
    [InlineData(FailOn.Warning, new[] { Severity.Warning }, 1)]
    [InlineData(FailOn.Info, new[] { Severity.Info }, 1)]
    [InlineData(FailOn.None, new[] { Severity.Critical }, 0)]
    [InlineData(FailOn.Info, new Severity[0], 0)]
    public void Exit_code_follows_fail_on(FailOn failOn, Severity[] severities, int expected) =>
        Assert.Equal(expected, ExitCodes.For(severities, failOn));
}
