using System.Text;
using System.Text.RegularExpressions;
using LlmdDoctor.Agent;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Deploy.Tests;

/// <summary>
/// The PrometheusRule's spec.groups is the one source of the alerts: extracted from the rendered overlay into a
/// plain rules file and proven with promtool (check + unit tests).
/// </summary>
public sealed partial class RuleTests
{
    private const string RulesFile = "llmd-doctor.rules.yaml";
    private const string TestFile = "llmd-doctor.test.yaml";

    /// <summary>design.md §7, a contract.</summary>
    private static readonly string[] Alerts =
    [
        "LlmdDoctorFindingCritical", "LlmdDoctorFindingWarning", "LlmdChatCompletionBodyLost",
        "LlmdDoctorDown", "LlmdDoctorStale", "LlmdDoctorHeartbeat",
    ];

    private static YamlNode Groups(string overlay) => Manifests.Of(overlay).Single("PrometheusRule", "llmd-doctor").At("spec", "groups")!;

    private static IEnumerable<YamlNode> AlertRules() => Groups("openshift").Seq().SelectMany(g => g.Seq("rules"));

    private static string ExtractRules()
    {
        var dir = Tools.TempDir();
        var doc = new YamlMappingNode { { "groups", Groups("openshift") } };
        using (var writer = new StreamWriter(Path.Combine(dir, RulesFile)))
        {
            new YamlStream(new YamlDocument(doc)).Save(writer, assignAnchors: false);
        }

        File.Copy(Path.Combine(AppContext.BaseDirectory, "rules", TestFile), Path.Combine(dir, TestFile));
        return dir;
    }

    [Fact]
    public void Both_overlays_ship_the_same_rules()
    {
        static string Text(YamlNode n)
        {
            using var w = new StringWriter();
            new YamlStream(new YamlDocument(n)).Save(w, assignAnchors: false);
            return w.ToString();
        }

        Assert.Equal(Text(Groups("openshift")), Text(Groups("kubernetes")));
    }

    [Fact]
    public void Names_exactly_the_alerts_of_the_design()
    {
        var names = AlertRules().Select(r => r.Str("alert")).ToList();
        Assert.Equal(Alerts.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.All(AlertRules(), r => Assert.Null(r.At("record")));
    }

    [Fact]
    public void Every_alert_has_summary_description_runbook_url_and_a_severity()
    {
        foreach (var rule in AlertRules())
        {
            var alert = rule.Str("alert");
            foreach (var annotation in new[] { "summary", "description", "runbook_url" })
            {
                Assert.False(string.IsNullOrWhiteSpace(rule.Str("annotations", annotation)), $"{alert}: annotation {annotation}");
            }

            Assert.Contains(rule.Str("labels", "severity"), new[] { "critical", "warning", "none" });
            var url = rule.Str("annotations", "runbook_url")!;
            Assert.True(url == "{{ $labels.runbook_url }}" || Uri.IsWellFormedUriString(url, UriKind.Absolute), $"{alert}: runbook_url {url}");
        }

        Assert.Equal("none", AlertRules().Single(r => r.Str("alert") == "LlmdDoctorHeartbeat").Str("labels", "severity"));
        foreach (var alert in new[] { "LlmdDoctorFindingCritical", "LlmdDoctorFindingWarning", "LlmdChatCompletionBodyLost" })
        {
            Assert.Equal("{{ $labels.runbook_url }}", AlertRules().Single(r => r.Str("alert") == alert).Str("annotations", "runbook_url"));
        }
    }

    [Fact]
    public void Stale_threshold_is_five_intervals_of_the_shipped_config()
    {
        var text = Manifests.Of("openshift").Single("ConfigMap", "llmd-doctor-config").Str("data", "config.yaml")!;
        var interval = Configuration.DoctorConfigLoader.Load(text, "ConfigMap", new Dictionary<string, string?>()).Interval;
        var expr = AlertRules().Single(r => r.Str("alert") == "LlmdDoctorStale").Str("expr")!;
        Assert.Contains($"> {(interval * 5).TotalSeconds}", expr, StringComparison.Ordinal);
        Assert.Contains("offset 5m", expr, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_checks_the_rules()
    {
        var dir = ExtractRules();
        var (code, stdout, stderr) = Tools.Run(Tools.Promtool, dir, "check", "rules", RulesFile);
        Directory.Delete(dir, recursive: true);
        Assert.True(code == 0, $"promtool check rules failed ({code}): {stdout}{stderr}");
        Assert.Contains($"SUCCESS: {Alerts.Length} rules found", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_unit_tests_pass()
    {
        var dir = ExtractRules();
        var (code, stdout, stderr) = Tools.Run(Tools.Promtool, dir, "test", "rules", TestFile);
        Directory.Delete(dir, recursive: true);
        Assert.True(code == 0, $"promtool test rules failed ({code}): {stdout}{stderr}");
        Assert.Contains("SUCCESS", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unit_tests_cover_every_alert_firing_and_quiet()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules", TestFile))));
        var cases = stream.Documents[0].RootNode.Seq("tests").SelectMany(t => t.Seq("alert_rule_test")).ToList();
        foreach (var alert in Alerts)
        {
            var mine = cases.Where(c => c.Str("alertname") == alert).ToList();
            Assert.True(mine.Any(c => c.Seq("exp_alerts").Count > 0), $"{alert}: no test where it fires");
            if (alert != "LlmdDoctorHeartbeat")
            {
                Assert.True(mine.Any(c => c.Seq("exp_alerts").Count == 0), $"{alert}: no test where it stays quiet");
            }
        }
    }

    [Fact]
    public void Rules_read_exactly_the_golden_metrics_and_labels()
    {
        var used = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var rule in AlertRules())
        {
            var expr = rule.Str("expr")!;
            var metrics = MetricSelector().Matches(expr).ToList();
            var labels = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var m in metrics)
            {
                labels.UnionWith(LabelMatcher().Matches(m.Groups["matchers"].Value).Select(l => l.Groups[1].Value));
            }

            labels.UnionWith(ByClause().Matches(expr).SelectMany(b => b.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)));
            labels.UnionWith(rule.StringMap("annotations").Values.SelectMany(v => TemplateLabel().Matches(v).Select(l => l.Groups[1].Value)));
            foreach (var name in metrics.Select(m => m.Groups["name"].Value).Distinct())
            {
                var set = used.TryGetValue(name, out var s) ? s : used[name] = new SortedSet<string>(StringComparer.Ordinal);
                set.UnionWith(labels.Select(l => l == "exported_namespace" ? "namespace" : l));
            }
        }

        var actual = used.Select(kv => string.Join(' ', [kv.Key, .. kv.Value])).ToList();
        Assert.Equal(Golden(), actual);
    }

    [Fact]
    public void Golden_metrics_are_the_designs_and_the_doctor_exposes_them()
    {
        // design.md §6 (a contract), written down here so the test needs nothing outside the repository.
        var designed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["llmd_doctor_finding_active"] = ["code", "name", "severity", "namespace", "kind", "resource", "runbook_url"],
            ["llmd_doctor_findings"] = ["severity"],
            // Issue 19 (added to §6): one series per incident; the alerts read it.
            ["llmd_doctor_incident"] = ["id", "root_code", "root_name", "severity", "namespace", "kind", "resource", "codes", "runbook_url"],
            ["llmd_doctor_probe_success"] = ["gateway_namespace", "gateway", "namespace", "route", "model", "probe"],
            ["llmd_doctor_probe_duration_seconds"] = ["gateway_namespace", "gateway", "namespace", "route", "model", "probe", "phase"],
            ["llmd_doctor_probe_http_status_code"] = ["gateway_namespace", "gateway", "namespace", "route", "model", "probe"],
            ["llmd_doctor_ext_proc_body_mode"] = ["gateway_namespace", "gateway", "route", "mode"],
            ["llmd_doctor_check_duration_seconds"] = ["check"],
            ["llmd_doctor_check_errors_total"] = ["check"],
            ["llmd_doctor_check_skipped"] = ["check"],
            ["llmd_doctor_cycle_duration_seconds"] = [],
            ["llmd_doctor_last_cycle_timestamp_seconds"] = [],
            ["llmd_doctor_cycles_total"] = [],
            ["llmd_doctor_build_info"] = ["version", "revision"],
        };
        var exposition = Encoding.UTF8.GetString(DoctorMetrics.Render(null, new AgentCounters(), "test", "test"));
        foreach (var line in Golden().Where(l => l.StartsWith("llmd_doctor_", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            Assert.True(designed.TryGetValue(parts[0], out var labels), $"{parts[0]} is not a metric of design.md §6");
            Assert.Equal(labels.Order(StringComparer.Ordinal), parts.Skip(1));
            Assert.Contains($"# TYPE {parts[0]} ", exposition, StringComparison.Ordinal);
        }
    }

    private static List<string> Golden() =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Golden", "rule-metrics.txt")).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [GeneratedRegex(@"\b(?<name>llmd_doctor_[a-z_]+|up)\b(?:\{(?<matchers>[^}]*)\})?")]
    private static partial Regex MetricSelector();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"\bby\s*\(([^)]*)\)")]
    private static partial Regex ByClause();

    [GeneratedRegex(@"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)")]
    private static partial Regex TemplateLabel();

}
