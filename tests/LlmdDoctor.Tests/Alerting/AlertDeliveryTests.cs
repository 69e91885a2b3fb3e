using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using Microsoft.Extensions.Logging;
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
        var (amPort, promPort, agentPort) = (FreePort(), FreePort(), FreePort());
        var agentUrl = $"http://127.0.0.1:{agentPort}";
        Process? alertmanager = null, prometheus = null;
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        Task<int>? agent = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "am.yml"), "route: {receiver: sink, group_wait: 1s, group_interval: 1s}\nreceivers: [{name: sink}]\n");
            alertmanager = Start(alertmanagerBin, $"--config.file={dir.FullName}/am.yml", $"--storage.path={dir.FullName}/am",
                $"--web.listen-address=127.0.0.1:{amPort}", "--cluster.listen-address=");
            await WaitReadyAsync(http, $"http://127.0.0.1:{amPort}/-/ready");

            var user = DoctorConfigLoader.Load($"interval: 5s\nalertmanager: {{url: 'http://127.0.0.1:{amPort}'}}\nrunbookBaseUrl: '{agentUrl}/runbooks'\n", "test", new Dictionary<string, string?>());
            var config = DemoCommand.ConfigFor(cluster, user, dir.FullName);
            var connection = Kubeconfig.Parse(await File.ReadAllTextAsync(cluster.KubeconfigPath), cluster.KubeconfigPath).Connection(null);
            using var source = new LiveClusterSource(connection, config, new ServiceAddresses(cluster.ServiceAddresses), "simulator", "seed-rhoai");
            var settings = new ReportSettings(config, config.Policy([]), FailOn.Critical, "json");
            agent = AgentCommands.RunAgentAsync(settings, source, agentUrl, stop.Token, l => l.SetMinimumLevel(LogLevel.Warning));

            // The first cycle runs before Prometheus exists, so no heartbeat can be in Alertmanager yet.
            Report? first = null;
            for (var i = 0; i < 300 && first is null; i++)
            {
                try
                {
                    using var r = await http.GetAsync($"{agentUrl}/report");
                    first = r.IsSuccessStatusCode ? ReportJson.Deserialize(await r.Content.ReadAsStringAsync()) : null;
                }
                catch (HttpRequestException)
                {
                }

                if (first is null)
                {
                    await Task.Delay(100);
                }
            }

            Assert.NotNull(first);
            var firstCodes = string.Join(", ", first.Findings.Select(f => $"{f.Code} {f.Subject.Name}: {f.Message}"));
            Assert.True(first.Findings.Any(f => f.Code == "LLMD0701"), $"first cycle without LLMD0701: {firstCodes}");
            Assert.True(first.Findings.Any(f => f.Code == "LLMD0401" && f.Subject.Name == "maas-gateway"), $"first cycle without LLMD0401: {firstCodes}");

            WriteRules(Path.Combine(dir.FullName, "rules.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), PrometheusConfig($"{dir.FullName}/rules.yml", agentPort, amPort));
            prometheus = Start(prometheusBin, $"--config.file={dir.FullName}/prometheus.yml", $"--storage.tsdb.path={dir.FullName}/tsdb",
                $"--web.listen-address=127.0.0.1:{promPort}");

            JsonElement[] alerts = [];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                alerts = await AlertsAsync(http, amPort);
                if (alerts.Any(a => Label(a, "alertname") == "LlmdChatCompletionBodyLost")
                    && alerts.Any(a => Label(a, "alertname") == "LlmdDoctorFindingCritical")
                    && alerts.Any(a => Label(a, "alertname") == "LlmdDoctorHeartbeat"))
                {
                    break;
                }

                await Task.Delay(500);
            }

            var bodyLost = alerts.FirstOrDefault(a => Label(a, "alertname") == "LlmdChatCompletionBodyLost");
            Assert.True(bodyLost.ValueKind == JsonValueKind.Object, $"LlmdChatCompletionBodyLost never reached Alertmanager; got {string.Join(", ", alerts.Select(a => Label(a, "alertname")))}");
            Assert.Equal("maas-gateway", Label(bodyLost, "resource"));
            Assert.Contains(alerts, a => Label(a, "alertname") == "LlmdDoctorFindingCritical" && Label(a, "code") == "LLMD0302");
            var runbook = bodyLost.GetProperty("annotations").GetProperty("runbook_url").GetString()!;
            Assert.Equal($"{agentUrl}/runbooks/LLMD0401", runbook);
            using (var page = await http.GetAsync(runbook))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<h1>LLMD0401 ChatCompletionBodyLost</h1>", await page.Content.ReadAsStringAsync());
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
                var report = ReportJson.Deserialize(await http.GetStringAsync($"{agentUrl}/report"))!;
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
            await stop.CancelAsync();
            if (agent is not null)
            {
                await agent.WaitAsync(TimeSpan.FromSeconds(10));
            }

            await StopAsync(prometheus, alertmanager);
            dir.Delete(recursive: true);
        }
    }
}
