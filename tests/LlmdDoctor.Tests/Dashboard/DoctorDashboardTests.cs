using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Tests.Peers;
using static LlmdDoctor.Tests.Peers.PeerProcesses;

namespace LlmdDoctor.Tests.Dashboard;

/// <summary>
/// Issue #20: every panel of deploy/grafana/llmd-doctor.json asks a real Prometheus (Debian's) that scrapes a real
/// agent diagnosing the simulated seed cluster, with the shipped rules loaded. Each query must return series, and
/// each panel's values must say what the agent's own report says. A panel without an expectation here fails the test,
/// and so does a panel whose metric is renamed or removed.
/// </summary>
public sealed class DoctorDashboardTests
{
    private static readonly string DashboardPath = Path.Combine(Repository.Root, "deploy", "grafana", "llmd-doctor.json");

    /// <summary>One instant-query series: its labels and value.</summary>
    private sealed record Series(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string this[string label] => Labels.TryGetValue(label, out var v) ? v : "";
    }

    private sealed record Panel(string Title, string Type, IReadOnlyList<string> Exprs);

    private static IReadOnlyList<Panel> Panels()
    {
        var root = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        return [.. root["panels"]!.AsArray().Select(p => p!).Where(p => (string?)p["type"] != "row")
            .Select(p => new Panel((string)p["title"]!, (string)p["type"]!, [.. p["targets"]!.AsArray().Select(t => (string)t!["expr"]!)]))];
    }

    /// <summary>Grafana's variables as Grafana would expand them with "All" selected and a 5 s cycle scraped every second.</summary>
    private static string Expand(string expr) =>
        expr.Replace("$__rate_interval", "30s", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal)
            .Replace("$gateway", ".*", StringComparison.Ordinal);

    /// <summary>What each panel must show on the seed, compared with the agent's report of the same moment.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<Series>, Report, string?>> Expectations = new(StringComparer.Ordinal)
    {
        ["Critical findings"] = (s, r) => Single(s) == r.Summary.Critical && r.Summary.Critical > 0 ? null : $"{Single(s)} vs report {r.Summary.Critical}",
        ["Warning findings"] = (s, r) => Single(s) == r.Summary.Warning ? null : $"{Single(s)} vs report {r.Summary.Warning}",
        ["Findings by severity"] = (s, r) =>
            s.Count == 3 && s.Single(x => x["severity"] == "critical").Value == r.Summary.Critical ? null : Show(s),
        ["Findings by code"] = (s, r) =>
            s.Any(x => x["code"] == "LLMD0401" && x.Value >= 1) && s.Select(x => x["code"]).ToHashSet().SetEquals(r.Findings.Select(f => f.Code)) ? null : Show(s),
        ["Active findings"] = (s, r) =>
            s.Any(x => x["code"] == "LLMD0401" && x["resource"] == "maas-gateway" && x["runbook_url"].EndsWith("/LLMD0401", StringComparison.Ordinal))
            && s.Count == r.Findings.DistinctBy(f => (f.Code, f.Subject.Namespace, f.Subject.Kind, f.Subject.Name)).Count() ? null : Show(s),
        ["Probe success per gateway and model"] = (s, _) =>
            s.Any(x => x["gateway"] == "maas-gateway" && x["probe"] == "chat" && x.Value == 0)
            && s.Any(x => x["gateway"] == "maas-gateway" && x["probe"] == "models" && x.Value == 1) ? null : Show(s),
        ["Probe HTTP status"] = (s, _) =>
            s.Any(x => x["gateway"] == "maas-gateway" && x["probe"] == "chat" && x.Value == 400)
            && s.Any(x => x["gateway"] == "maas-gateway" && x["probe"] == "models" && x.Value == 200) ? null : Show(s),
        ["Probe latency"] = (s, _) => s.Count > 0 && s.All(x => x.Value > 0 && x.Value < 60) && s.Any(x => x["gateway"] == "maas-gateway") ? null : Show(s),
        ["Probe latency by phase"] = (s, _) =>
            s.Select(x => x["phase"]).ToHashSet().IsSupersetOf(["connect", "processing"]) && s.All(x => x["phase"] != "total") ? null : Show(s),
        ["Effective ext_proc body mode per route"] = (s, _) =>
            s.Any(x => x["gateway"] == "maas-gateway" && x["mode"] == "FULL_DUPLEX_STREAMED")
            && s.Any(x => x["gateway"] == "openshift-ai-inference" && x["mode"] == "BUFFERED") ? null : Show(s),
        ["Cycle duration"] = (s, _) => Single(s) > 0 && Single(s) < 60 ? null : Show(s),
        ["Staleness"] = (s, _) => Single(s) >= 0 && Single(s) < 30 ? null : Show(s),
        ["Cycles per minute"] = (s, _) => Single(s) > 0 ? null : Show(s),
        ["Skipped checks"] = (s, r) => Single(s) == r.Summary.ChecksSkipped ? null : $"{Single(s)} vs report {r.Summary.ChecksSkipped}",
        ["Slowest checks"] = (s, _) => s.Count == 5 && s.All(x => x["check"] != "") ? null : Show(s),
        ["Alert delivery"] = (s, _) =>
            s.Any(x => x["alertname"] == "LlmdDoctorHeartbeat" && x["alertstate"] == "firing")
            && s.Any(x => x["alertname"] == "LlmdChatCompletionBodyLost") ? null : Show(s),
        ["Build"] = (s, _) => s.Count == 1 && s[0]["version"] != "" ? null : Show(s),
    };

    private static double Single(IReadOnlyList<Series> s) => s.Count == 1 ? s[0].Value : double.NaN;

    private static string Show(IReadOnlyList<Series> s) =>
        s.Count == 0 ? "no series" : string.Join("; ", s.Select(x => $"{{{string.Join(",", x.Labels.Select(kv => $"{kv.Key}={kv.Value}"))}}} {x.Value}"));

    [Fact]
    public void Every_panel_has_an_expectation_and_uses_the_datasource_variable()
    {
        var panels = Panels();
        Assert.NotEmpty(panels);
        Assert.Equal(panels.Select(p => p.Title).Order(StringComparer.Ordinal), Expectations.Keys.Order(StringComparer.Ordinal));
        var root = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        var ids = root["panels"]!.AsArray().Select(p => (int)p!["id"]!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(root["panels"]!.AsArray().Where(p => (string?)p!["type"] != "row"), p =>
        {
            Assert.Equal("${datasource}", (string?)p!["datasource"]!["uid"]);
            Assert.All(p["targets"]!.AsArray(), t => Assert.Equal("${datasource}", (string?)t!["datasource"]!["uid"]));
        });
    }

    private static async Task<IReadOnlyList<Series>> QueryAsync(HttpClient http, int promPort, string expr)
    {
        var url = $"http://127.0.0.1:{promPort}/api/v1/query?query={Uri.EscapeDataString(expr)}";
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
        var data = doc.RootElement.GetProperty("data");
        var type = data.GetProperty("resultType").GetString();
        if (type == "scalar")
        {
            return [new Series(new Dictionary<string, string>(), ParseValue(data.GetProperty("result")[1]))];
        }

        return [.. data.GetProperty("result").EnumerateArray().Select(e => new Series(
            e.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            ParseValue(e.GetProperty("value")[1])))];
    }

    private static double ParseValue(JsonElement v) => double.Parse(v.GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_panel_query_returns_what_the_agent_reports_on_the_seed()
    {
        var prometheusBin = Require("/usr/bin/prometheus", "prometheus");
        var dir = Directory.CreateTempSubdirectory("llmd-dashboard-");
        var promPort = FreePort();
        Process? prometheus = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var agent = await SimulatedAgent.StartAsync("seed-rhoai", "interval: 5s\nrunbookBaseUrl: '{agent}/runbooks'\n");
        try
        {
            WriteRules(Path.Combine(dir.FullName, "rules.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), PrometheusConfig($"{dir.FullName}/rules.yml", agent.Port, alertmanagerPort: null));
            prometheus = Start(prometheusBin, $"--config.file={dir.FullName}/prometheus.yml", $"--storage.tsdb.path={dir.FullName}/tsdb",
                $"--web.listen-address=127.0.0.1:{promPort}");
            await WaitReadyAsync(http, $"http://127.0.0.1:{promPort}/-/ready");

            var panels = Panels();
            var failures = new Dictionary<string, string>(StringComparer.Ordinal);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            do
            {
                failures.Clear();
                var report = await agent.ReportAsync(http);
                foreach (var panel in panels)
                {
                    var series = new List<Series>();
                    foreach (var expr in panel.Exprs)
                    {
                        series.AddRange(await QueryAsync(http, promPort, Expand(expr)));
                    }

                    if (series.Count == 0)
                    {
                        failures[panel.Title] = "no series";
                    }
                    else if (Expectations[panel.Title](series, report) is { } why)
                    {
                        failures[panel.Title] = why;
                    }
                }

                // The gateway variable lists the seed's probed gateways.
                var gateways = await QueryLabelValuesAsync(http, promPort);
                if (!gateways.Contains("maas-gateway") || !gateways.Contains("openshift-ai-inference"))
                {
                    failures["$gateway variable"] = string.Join(", ", gateways);
                }

                if (failures.Count > 0)
                {
                    await Task.Delay(1000);
                }
            }
            while (failures.Count > 0 && DateTime.UtcNow < deadline);

            Assert.True(failures.Count == 0, "panels that do not show the seed as the agent reports it:\n"
                + string.Join("\n", failures.Select(kv => $"  {kv.Key}: {kv.Value}")));
        }
        finally
        {
            await StopAsync(prometheus);
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The dashboard's <c>gateway</c> variable, as Grafana resolves <c>label_values(metric, label)</c>.</summary>
    private static async Task<HashSet<string>> QueryLabelValuesAsync(HttpClient http, int promPort)
    {
        var root = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        var variable = root["templating"]!["list"]!.AsArray().Single(v => (string?)v!["name"] == "gateway")!;
        var definition = (string)variable["definition"]!;
        var match = System.Text.RegularExpressions.Regex.Match(definition, @"^label_values\((?<metric>[a-z_:]+), (?<label>[a-z_]+)\)$");
        Assert.True(match.Success, definition);
        var url = $"http://127.0.0.1:{promPort}/api/v1/label/{match.Groups["label"].Value}/values?match[]={Uri.EscapeDataString(match.Groups["metric"].Value)}";
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
        return [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()!)];
    }
}
