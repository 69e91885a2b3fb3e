using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Tests.Peers;
using static LlmdDoctor.Tests.Peers.PeerProcesses;

namespace LlmdDoctor.Tests.Alerting;

/// <summary>
/// Issue #9 end to end with real peers: the simulated seed cluster, the agent, a real Prometheus (Debian) scraping
/// the agent and evaluating the rules of deploy/, and a real Alertmanager. The seed bug's alerts arrive with a
/// runbook_url the agent serves, and LLMD0701 clears once the heartbeat is visible in Alertmanager.
/// </summary>
public sealed class AlertDeliveryTests
{
    private static async Task<JsonElement[]> AlertsAsync(HttpClient http, int amPort)
    {
        try
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{amPort}/api/v2/alerts?active=true"));
            return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    private static string Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    [Fact]
    public async Task Seed_alerts_reach_alertmanager_with_runbook_links_and_the_heartbeat_clears_LLMD0701()
    {
        var prometheusBin = Require("/usr/bin/prometheus", "prometheus");
        var alertmanagerBin = Require("/usr/bin/prometheus-alertmanager", "prometheus-alertmanager");
        var dir = Directory.CreateTempSubdirectory("llmd-alerts-");
        var (amPort, promPort) = (FreePort(), FreePort());
        Process? alertmanager = null, prometheus = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "am.yml"), "route: {receiver: sink, group_wait: 1s, group_interval: 1s}\nreceivers: [{name: sink}]\n");
            alertmanager = Start(alertmanagerBin, $"--config.file={dir.FullName}/am.yml", $"--storage.path={dir.FullName}/am",
                $"--web.listen-address=127.0.0.1:{amPort}", "--cluster.listen-address=");
            await WaitReadyAsync(http, $"http://127.0.0.1:{amPort}/-/ready");

            await using var agent = await SimulatedAgent.StartAsync("seed-rhoai",
                $"interval: 5s\nalertmanager: {{url: 'http://127.0.0.1:{amPort}'}}\nrunbookBaseUrl: '{{agent}}/runbooks'\n");
            var agentUrl = agent.Url;

            // The first cycles run before Prometheus exists, so no heartbeat can be in Alertmanager yet.
            var first = await agent.ReportAsync(http);
            var firstCodes = string.Join(", ", first.Findings.Select(f => $"{f.Code} {f.Subject.Name}: {f.Message}"));
            Assert.True(first.Findings.Any(f => f.Code == "LLMD0701"), $"first cycle without LLMD0701: {firstCodes}");
            Assert.True(first.Findings.Any(f => f.Code == "LLMD0401" && f.Subject.Name == "maas-gateway"), $"first cycle without LLMD0401: {firstCodes}");

            WriteRules(Path.Combine(dir.FullName, "rules.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), PrometheusConfig($"{dir.FullName}/rules.yml", agent.Port, amPort));
            prometheus = Start(prometheusBin, $"--config.file={dir.FullName}/prometheus.yml", $"--storage.tsdb.path={dir.FullName}/tsdb",
                $"--web.listen-address=127.0.0.1:{promPort}");

            JsonElement[] alerts = [];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                alerts = await AlertsAsync(http, amPort);
                if (alerts.Any(a => Label(a, "alertname") == "LlmdChatCompletionBodyLost")
                    && alerts.Any(a => Label(a, "alertname") == "LlmdDoctorFindingCritical" && Label(a, "root_code") == "LLMD0306")
                    && alerts.Any(a => Label(a, "alertname") == "LlmdDoctorFindingCritical" && Label(a, "root_code") == "LLMD0204")
                    && alerts.Any(a => Label(a, "alertname") == "LlmdDoctorHeartbeat"))
                {
                    break;
                }

                await Task.Delay(500);
            }

            var names = string.Join(", ", alerts.Select(a => $"{Label(a, "alertname")} {Label(a, "root_code")} {Label(a, "resource")}"));
            var bodyLost = Assert.Single(alerts, a => Label(a, "alertname") == "LlmdChatCompletionBodyLost");
            Assert.Equal("maas-gateway", Label(bodyLost, "resource"));

            // Issue 19: one alert per incident root. The EPP trust failure on maas-gateway explains LLMD0301, LLMD0302
            // and LLMD0401 there and pages once (as the body loss), with the root's runbook; none of its symptoms pages.
            var latest = await agent.ReportAsync(http);
            var seed = latest.Incidents.Single(i => i.Symptoms.Any(s => s.Code == "LLMD0401"));
            Assert.Equal(["LLMD0204", "LLMD0301", "LLMD0401"], seed.Chain);
            Assert.Equal(seed.Id, Label(bodyLost, "id"));
            Assert.Equal("LLMD0204", Label(bodyLost, "root_code"));
            Assert.DoesNotContain(alerts, a => Label(a, "root_code") is "LLMD0301" or "LLMD0302" or "LLMD0401" or "LLMD0407");
            var paged = alerts.Where(a => Label(a, "id").Length > 0).ToList();
            Assert.True(paged.Count == paged.Select(a => Label(a, "id")).Distinct().Count(), $"an incident paged twice: {names}");
            Assert.Single(alerts, a => Label(a, "alertname") == "LlmdDoctorFindingCritical" && Label(a, "root_code") == "LLMD0204" && Label(a, "resource") == "openshift-ai-inference");
            Assert.Single(alerts, a => Label(a, "alertname") == "LlmdDoctorFindingCritical" && Label(a, "root_code") == "LLMD0306" && Label(a, "resource") == "openshift-ai-inference");
            Assert.All(paged, a => Assert.Contains(latest.Incidents.Concat(first.Incidents), i => i.Id == Label(a, "id") && i.Root.Code == Label(a, "root_code")));

            var runbook = bodyLost.GetProperty("annotations").GetProperty("runbook_url").GetString()!;
            Assert.Equal($"{agentUrl}/runbooks/LLMD0204", runbook);
            using (var page = await http.GetAsync(runbook))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<h1>LLMD0204 EndpointPickerUnreachableFromGateway</h1>", await page.Content.ReadAsStringAsync());
            }

            Assert.All(alerts.Where(a => Label(a, "alertname") != "LlmdDoctorHeartbeat"), a =>
            {
                Assert.NotEqual("", a.GetProperty("annotations").GetProperty("summary").GetString());
                Assert.NotEqual("", a.GetProperty("annotations").GetProperty("runbook_url").GetString());
            });

            // The heartbeat is in Alertmanager now: the next cycle no longer reports LLMD0701.
            var cleared = false;
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!cleared && DateTime.UtcNow < deadline)
            {
                var report = await agent.ReportAsync(http);
                cleared = report.Findings.All(f => f.Code != "LLMD0701");
                if (!cleared)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(cleared, "LLMD0701 did not clear after the heartbeat reached Alertmanager");
        }
        finally
        {
            await StopAsync(prometheus, alertmanager);
            dir.Delete(recursive: true);
        }
    }
}
