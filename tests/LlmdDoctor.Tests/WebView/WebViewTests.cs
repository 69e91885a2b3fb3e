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
          pods: [...document.querySelectorAll('g.node[data-kind^="Pod "]')].map(g => g.dataset.key + ':' + g.dataset.state),
          roots: [...document.querySelectorAll('svg.map g.node[data-incident-root]')].map(g => ({ gateway: g.closest('svg').dataset.gateway,
            kind: g.dataset.kind, key: g.dataset.key, incidents: g.dataset.incidentRoot, id: g.id,
            badge: g.querySelector('text.badge')?.textContent ?? '', link: g.parentNode.getAttribute('href') })),
          symptoms: [...document.querySelectorAll('svg.map a[data-root]')].map(a => ({ gateway: a.closest('svg').dataset.gateway,
            root: a.dataset.root, href: a.getAttribute('href'), kind: a.querySelector('g.node').dataset.kind,
            coloured: a.querySelector('g.node rect.incident-bar') !== null })),
          incidentLines: [...document.querySelectorAll('#incidents li')].map(li => li.id),
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
        // Pods are keyed by namespace/name (their backend's namespace), not by name alone.
        var podKeys = report.Flows.SelectMany(f => (f.Pods ?? []).Select(p => f.Backend.Split(' ')[1].Split('/')[0] + "/" + p.Name + ":" + (p.Ready ? "ok" : "critical")))
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(podKeys, page["pods"]!.AsArray().Select(p => (string)p!).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("my-first-model/qwen3-0-6b-kserve-5b7f9c8d6-tq2lz:ok", page["pods"]!.AsArray().Select(p => (string)p!));

        // Incidents on the map: the gateway that does not trust its EPP is one incident whose root box is that EPP, showing the
        // chain; the routes whose body it loses are its symptoms and link to that box. Every incident has its line.
        Assert.Equal(report.Incidents.Select(i => "incident-" + i.Id), page["incidentLines"]!.AsArray().Select(i => (string)i!));
        var bodyLoss = report.Incidents.Single(i => i.Root.Code == "LLMD0204" && i.Root.Subject.Name == "maas-gateway");
        Assert.Equal(["LLMD0204", "LLMD0301", "LLMD0401"], bodyLoss.Chain);
        var roots = page["roots"]!.AsArray().Select(r => r!).ToList();
        var root = roots.Single(r => ((string)r["incidents"]!).Split(' ').Contains(bodyLoss.Id));
        Assert.Equal(("openshift-ingress/maas-gateway", "Endpoint Picker my-first-model", "my-first-model/qwen3-0-6b-epp-service"),
            ((string)root["gateway"]!, (string)root["kind"]!, (string)root["key"]!));
        Assert.Equal(("root-" + bodyLoss.Id, "0204→0301→0401", "runbooks/LLMD0204"), ((string)root["id"]!, (string)root["badge"]!, (string)root["link"]!));
        Assert.All(roots, r => Assert.All(((string)r!["incidents"]!).Split(' '), id => Assert.Contains(report.Incidents, i => i.Id == id)));
        var symptoms = page["symptoms"]!.AsArray().Select(x => x!).Where(x => (string)x["root"]! == bodyLoss.Id).ToList();
        Assert.Contains(symptoms, x => ((string)x["kind"]!).StartsWith("HTTPRoute ", StringComparison.Ordinal));
        Assert.All(symptoms, x => Assert.Equal(("openshift-ingress/maas-gateway", "#root-" + bodyLoss.Id, true), ((string)x["gateway"]!, (string)x["href"]!, (bool)x["coloured"]!)));
        // The incident rooted in a dashboard (no box on any map) is a line of its own; no box claims it.
        var dashboards = report.Incidents.Single(i => i.Root.Subject.Kind == "GrafanaDashboard");
        Assert.DoesNotContain(roots, r => ((string)r["incidents"]!).Split(' ').Contains(dashboards.Id));
        Assert.DoesNotContain(page["symptoms"]!.AsArray(), x => (string)x!["root"]! == dashboards.Id);
        var target = await browser.EvaluateAsync($$"""
            (() => {
              document.querySelector('svg.map a[data-root="{{bodyLoss.Id}}"]').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
              return document.querySelector(':target')?.id ?? null;
            })()
            """);
        Assert.Equal("root-" + bodyLoss.Id, (string?)target);

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
