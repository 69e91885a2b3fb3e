using System.Text.Json;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Core.Tests.Reporting;

public sealed class ReportRenderingTests
{
    [Fact]
    public void Text_report_matches_its_golden_file() =>
        GoldenFile.Verify("report.txt", TextReportRenderer.Render(ReportSamples.Build()));

    [Fact]
    public void Markdown_report_matches_its_golden_file() =>
        GoldenFile.Verify("report.md", MarkdownReportRenderer.Render(ReportSamples.Build()));

    [Fact]
    public void Json_report_matches_its_golden_file() =>
        GoldenFile.Verify("report.json", ReportJson.Serialize(ReportSamples.Build()) + "\n");

    [Fact]
    public void Seed_incident_text_matches_its_golden_file() =>
        GoldenFile.Verify("report-incident.txt", TextReportRenderer.Render(ReportSamples.SeedIncident()));

    [Fact]
    public void Seed_incident_markdown_matches_its_golden_file() =>
        GoldenFile.Verify("report-incident.md", MarkdownReportRenderer.Render(ReportSamples.SeedIncident()));

    [Fact]
    public void Seed_incident_json_matches_its_golden_file() =>
        GoldenFile.Verify("report-incident.json", ReportJson.Serialize(ReportSamples.SeedIncident()) + "\n");

    /// <summary>Issue 19: the report leads with one line per incident, the chain first; route repeats collapse into one entry.</summary>
    [Fact]
    public void Text_leads_with_the_incidents_and_collapses_route_repeats()
    {
        var text = TextReportRenderer.Render(ReportSamples.SeedIncident());
        var lines = text.Split('\n');
        var head = Array.IndexOf(lines, "INCIDENTS");
        Assert.Equal("  critical  0204 → 0301 → 0401  Gateway openshift-ingress/maas-gateway · model Qwen/Qwen3-0.6B · 6 findings", lines[head + 1]);
        Assert.Equal("  warning   0304                Gateway openshift-ingress/maas-gateway · 2 findings", lines[head + 2]);
        Assert.True(text.IndexOf("INCIDENTS", StringComparison.Ordinal) < text.IndexOf("LLMD0204  ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("  LLMD0401  ChatCompletionBodyLost", StringComparison.Ordinal));
        Assert.Contains("  LLMD0401  ChatCompletionBodyLost                 Gateway openshift-ingress/maas-gateway  ← LLMD0301", lines);
        Assert.Contains("      on 2 routes: my-first-model.maas-model-route.0, my-first-model.maas-model-route.1", lines);
        // One runbook per incident: the root's.
        Assert.Contains("runbooks/LLMD0204", text);
        Assert.DoesNotContain("runbooks/LLMD0401", text);
    }

    [Fact]
    public void Every_finding_of_a_report_belongs_to_one_of_its_incidents()
    {
        var report = ReportSamples.SeedIncident();
        Assert.All(report.Findings, f => Assert.Single(report.Incidents, i => i.Id == f.Incident));
        Assert.Equal(report.Findings.Count, report.Incidents.Sum(i => i.Findings));
        var seed = report.Incidents[0];
        Assert.Equal(["LLMD0204", "LLMD0301", "LLMD0401"], seed.Chain);
        Assert.Equal("LLMD0204", seed.Runbook);
        Assert.Equal(["openshift-ingress/maas-gateway"], seed.Gateways);
        Assert.Equal(["LLMD0301 ← LLMD0204 ×2", "LLMD0302 ← LLMD0301 ×1", "LLMD0401 ← LLMD0301 ×2"],
            seed.Symptoms.Select(s => $"{s.Code} ← {s.CausedBy} ×{s.Count}"));
    }

    [Fact]
    public void Text_has_no_colour_unless_asked_and_colours_severities_when_asked()
    {
        Assert.DoesNotContain("\u001b[", TextReportRenderer.Render(ReportSamples.Build()));
        Assert.Contains("\u001b[1;31mCRITICAL", TextReportRenderer.Render(ReportSamples.Build(), colour: true));
    }

    public static TheoryData<string, string> ExplainCases() => new()
    {
        // a namespaced subject: the runbook's <namespace> is its namespace
        { "team-a", "llmd-doctor explain LLMD0503 --namespace team-a" },
        // a Namespace subject (LLMD0502): the namespace is the subject itself
        { "namespace:team-b", "llmd-doctor explain LLMD0503 --namespace team-b" },
        // no namespace (a URL source): nothing to fill
        { "", "llmd-doctor explain LLMD0503" },
        // a bundle's name that is no Kubernetes namespace never reaches the command line
        { "a;reboot", "llmd-doctor explain LLMD0503" },
    };

    [Theory]
    [MemberData(nameof(ExplainCases))]
    public void The_explain_field_carries_the_namespace_of_the_finding(string ns, string expected)
    {
        var subject = ns.StartsWith("namespace:", StringComparison.Ordinal) ? Subject.OfNamespace(ns["namespace:".Length..])
            : ns.Length == 0 ? Subject.Source("https://thanos-querier.openshift-monitoring.svc:9091")
            : new Subject("serving.kserve.io", "LLMInferenceService", ns, "qwen");
        var run = new CheckRun([FindingCatalog.MonitorMissing.At(subject, ("target", "vLLM"), ("owner", subject.Key)) with { Check = "monitoring.MonitorCoverage" }], [], []);
        var report = new ReportBuilder { Source = new ReportSource { Kind = "bundle", Name = "x" }, GeneratedAt = ReportSamples.At }.Build(run, []);
        Assert.Equal(expected, Assert.Single(report.Findings).Explain);
    }

    [Fact]
    public void Json_report_has_exactly_the_fields_of_design_section_4()
    {
        using var doc = JsonDocument.Parse(ReportJson.Serialize(ReportSamples.Build()));
        var root = doc.RootElement;
        Assert.Equal(["schemaVersion", "generatedAt", "source", "summary", "findings", "incidents", "skipped", "flows"], Names(root));
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("2026-11-22T10:00:00Z", root.GetProperty("generatedAt").GetString());
        Assert.Equal(["kind", "name"], Names(root.GetProperty("source")));
        Assert.Equal("bundle", root.GetProperty("source").GetProperty("kind").GetString());

        var summary = root.GetProperty("summary");
        Assert.Equal(["critical", "warning", "info", "checksRun", "checksSkipped"], Names(summary));
        Assert.Equal(1, summary.GetProperty("critical").GetInt32());
        Assert.Equal(2, summary.GetProperty("warning").GetInt32());
        Assert.Equal(1, summary.GetProperty("info").GetInt32());
        Assert.Equal(3, summary.GetProperty("checksRun").GetInt32());
        Assert.Equal(1, summary.GetProperty("checksSkipped").GetInt32());

        var first = root.GetProperty("findings")[0];
        Assert.Equal(
            ["code", "name", "severity", "subject", "message", "evidence", "check", "runbook", "runbookUrl", "firstSeen", "lastSeen", "incident", "explain"],
            Names(first));
        Assert.Equal("LLMD0401", first.GetProperty("code").GetString());
        Assert.Equal("ChatCompletionBodyLost", first.GetProperty("name").GetString());
        Assert.Equal("critical", first.GetProperty("severity").GetString());
        Assert.Equal(["group", "kind", "namespace", "name"], Names(first.GetProperty("subject")));
        Assert.Equal("maas-gateway", first.GetProperty("subject").GetProperty("name").GetString());
        Assert.All(first.GetProperty("evidence").EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("LLMD0401", first.GetProperty("runbook").GetString());
        Assert.Equal("http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks/LLMD0401", first.GetProperty("runbookUrl").GetString());
        Assert.Equal("llmd-doctor explain LLMD0401 --namespace openshift-ingress", first.GetProperty("explain").GetString());

        // Issue 19: every finding names its incident; the incident gives the root's runbook.
        var incident = root.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("id").GetString() == first.GetProperty("incident").GetString());
        Assert.Equal(["id", "severity", "root", "chain", "symptoms", "gateways", "models", "runbook", "runbookUrl", "findings"], Names(incident));
        Assert.Equal(["code", "name", "severity", "subject", "routes", "count"], Names(incident.GetProperty("root")));
        Assert.Equal("LLMD0401", incident.GetProperty("runbook").GetString());
        Assert.Equal(4, root.GetProperty("incidents").GetArrayLength());

        Assert.Equal(["check", "reason"], Names(root.GetProperty("skipped")[0]));
        var flow = root.GetProperty("flows")[0];
        // §4's fields first, then the match fields added after it (pathType …; headers/queryParams/method only when set).
        Assert.Equal(["gateway", "route", "model", "path", "backend", "epp", "effectiveBodyMode", "probes", "pathType", "rule", "match", "envoyRoute"], Names(flow));
        Assert.Equal("openshift-ingress/maas-gateway", flow.GetProperty("gateway").GetString());
        Assert.Equal("my-first-model/maas-model-route", flow.GetProperty("route").GetString());
        Assert.Equal("InferencePool my-first-model/qwen3-0-6b-inference-pool", flow.GetProperty("backend").GetString());
        Assert.Equal(["probe", "status", "ms"], Names(flow.GetProperty("probes")[0]));
        Assert.Equal(400, flow.GetProperty("probes")[0].GetProperty("status").GetInt32());
    }

    [Fact]
    public void Findings_are_ordered_by_severity_then_code()
    {
        var severities = ReportSamples.Build().Findings.Select(f => f.Severity).ToList();
        Assert.Equal(["critical", "warning", "warning", "info"], severities);
    }

    private static List<string> Names(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];
}
