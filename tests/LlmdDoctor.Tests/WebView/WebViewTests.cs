using System.Text.Json.Nodes;
using LlmdDoctor.Tests.Peers;

namespace LlmdDoctor.Tests.WebView;

/// <summary>
/// Issue #20: the agent's page at <c>/</c>, loaded in a real browser (Debian's headless Chromium) from an agent
/// diagnosing the simulated seed cluster. What the page shows is compared with the agent's own report.
/// </summary>
public sealed class WebViewTests
{
    /// <summary>What the page shows, read from its DOM: gateways, flow rows with their state and runbook links, map edges.</summary>
    private const string PageSummary = """
        (() => ({
          gateways: [...document.querySelectorAll('section.gateway')].map(s => s.dataset.gateway),
          maps: [...document.querySelectorAll('svg.map')].map(m => m.dataset.gateway),
          rows: [...document.querySelectorAll('section.gateway')].flatMap(s => [...s.querySelectorAll('table.flows tbody tr')].map(r => ({
            gateway: s.dataset.gateway, path: r.dataset.path, state: r.dataset.state,
            runbooks: [...r.querySelectorAll('a.runbook')].map(a => a.getAttribute('href')) }))),
          criticalEdges: [...document.querySelectorAll('svg.map')].map(m => ({ gateway: m.dataset.gateway,
            count: m.querySelectorAll('path.edge.critical').length })),
          nodeLinks: [...document.querySelectorAll('svg.map a')].map(a => a.getAttribute('href')),
          findings: [...document.querySelectorAll('#findings tbody tr')].map(r => r.dataset.code),
          pods: [...document.querySelectorAll('g.node[data-kind="Pod"]')].map(g => g.dataset.name + ':' + g.dataset.state),
        }))()
        """;

    [Fact]
    public async Task The_page_shows_every_gateway_and_flow_of_the_seed_and_marks_the_broken_chat_flow()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var agent = await SimulatedAgent.StartAsync("seed-rhoai", "interval: 5s\n");
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(agent.Url + "/");
        await browser.WaitForAsync("document.body?.dataset.state === 'ready'", TimeSpan.FromSeconds(30));
        var page = (await browser.EvaluateAsync(PageSummary))!;
        var report = await agent.ReportAsync(http);

        var gateways = report.Flows.Select(f => f.Gateway).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(gateways, page["gateways"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(gateways, page["maps"]!.AsArray().Select(g => (string)g!));
        var rows = page["rows"]!.AsArray().Select(r => r!).ToList();
        Assert.Equal(report.Flows.Count, rows.Count);
        foreach (var flow in report.Flows)
        {
            Assert.Contains(rows, r => (string)r["gateway"]! == flow.Gateway && (string)r["path"]! == flow.Path);
        }

        var chat = rows.Single(r => (string)r["gateway"]! == "openshift-ingress/maas-gateway" && ((string)r["path"]!).EndsWith("/v1/chat/completions", StringComparison.Ordinal));
        Assert.Equal("critical", (string)chat["state"]!);
        Assert.Contains("runbooks/LLMD0401", chat["runbooks"]!.AsArray().Select(a => (string)a!));
        var models = rows.Single(r => (string)r["gateway"]! == "openshift-ingress/maas-gateway" && ((string)r["path"]!).EndsWith("/qwen3-0-6b", StringComparison.Ordinal));
        Assert.Equal("ok", (string)models["state"]!);
        Assert.Contains(page["criticalEdges"]!.AsArray(), e => (string)e!["gateway"]! == "openshift-ingress/maas-gateway" && (int)e["count"]! > 0);
        Assert.Contains("runbooks/LLMD0204", page["nodeLinks"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(report.Findings.Select(f => f.Code), page["findings"]!.AsArray().Select(c => (string)c!));
        Assert.Contains(page["pods"]!.AsArray(), p => ((string)p!).EndsWith(":ok", StringComparison.Ordinal));

        // The runbook link works from the page itself (relative to wherever the page is served).
        var status = await browser.EvaluateAsync("fetch(document.querySelector('a.runbook[href=\"runbooks/LLMD0401\"]').href).then(r => r.status)");
        Assert.Equal(200, (int)status!);
        Assert.True(browser.Errors.IsEmpty, "the page logged errors: " + string.Join(" | ", browser.Errors));

        if (Environment.GetEnvironmentVariable("LLMD_UPDATE_SCREENSHOT") == "1")
        {
            await File.WriteAllBytesAsync(Path.Combine(Repository.Root, "docs", "web-view.jpg"), await browser.ScreenshotAsync());
        }
    }

    /// <summary>
    /// Whoever can write an HTTPRoute writes its status message: markup in it reaches the page as text, runs nothing,
    /// and the Content-Security-Policy would stop it if it ever were markup.
    /// </summary>
    [Fact]
    public async Task Markup_in_a_cluster_message_is_shown_as_text_and_runs_nothing()
    {
        const string hostile = "<img src=x onerror=\"document.body.dataset.pwned='img'\"><script>document.body.dataset.pwned='script'</script>";
        var quoted = hostile.Replace("'", "''", StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await using var agent = await SimulatedAgent.StartAsync("seed-rhoai", "interval: 5s\n", cluster => cluster.Apply($$$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: hostile, namespace: my-first-model, uid: 0f2c, resourceVersion: "7"}
            spec:
              parentRefs: [{name: maas-gateway, namespace: openshift-ingress}]
              rules: [{matches: [{path: {type: PathPrefix, value: "/hostile"}}], backendRefs: [{name: qwen3-0-6b-kserve-workload-svc, port: 8000}]}]
            status:
              parents:
                - parentRef: {name: maas-gateway, namespace: openshift-ingress}
                  controllerName: openshift.io/gateway-controller/v1
                  conditions:
                    - {type: Accepted, status: "False", reason: NotAllowedByListeners, message: '{{{quoted}}}'}
            """));
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(agent.Url + "/");
        await browser.WaitForAsync("document.body?.dataset.state === 'ready'", TimeSpan.FromSeconds(30));
        var report = await agent.ReportAsync(http);
        Assert.Contains(report.Findings, f => f.Code == "LLMD0102" && f.Message.Contains("<img src=x", StringComparison.Ordinal));

        var shown = (string)(await browser.EvaluateAsync("document.querySelector('#findings tbody tr[data-code=\"LLMD0102\"] td.message').textContent"))!;
        Assert.Contains(hostile, shown, StringComparison.Ordinal);
        Assert.Equal(0, (int)(await browser.EvaluateAsync("document.querySelectorAll('main img, main script').length"))!);
        Assert.Null(await browser.EvaluateAsync("document.body.dataset.pwned ?? null"));
        Assert.True(browser.Errors.IsEmpty, "the page logged errors: " + string.Join(" | ", browser.Errors));
    }
}
