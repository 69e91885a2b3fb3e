using System.Buffers;
using System.Net;
using System.Net.Sockets;
using LlmdDoctor.Agent;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Tests.Agent;

/// <summary>Measures allocation for the whole process: nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasured
{
    public const string Name = "allocation measured";
}

/// <summary>
/// Issue 16 item 8: the agent renders each page (JSON, text, Markdown report, <c>/metrics</c>) once per cycle and serves
/// those bytes; a hundred clients on a report of 5,000 findings neither render it a hundred times nor grow the heap.
/// Speed and exact memory numbers are in the bench (bench/LlmdDoctor.Bench, report serving), not here.
/// </summary>
[Collection(AllocationMeasured.Name)]
public sealed class ReportServingTests
{
    private const int Findings = 5_000;
    private const int Clients = 100;

    private static CycleResult CycleWith(int findings, DateTimeOffset at)
    {
        var list = Enumerable.Range(0, findings)
            .Select(i => FindingCatalog.SourceUnavailable.At(Subject.Source($"Kubernetes API GET https://api.test/api/v1/namespaces/ns-{i % 97}/pods/pod-{i}"),
                ("source", $"pod-{i}"), ("reason", $"no answer within 30 s (request {i})"), ("checks", "envoy.ExtProcBodyLoss, gateway.Ready")) with { Check = "runner" })
            .ToList();
        var run = new CheckRun(list, [], []);
        var report = new ReportBuilder { Source = new ReportSource { Kind = "cluster", Name = "load-test" }, GeneratedAt = at }.Build(run, []);
        return new CycleResult(new DoctorInputs(), run, report, TimeSpan.FromSeconds(1), at);
    }

    [Fact]
    public async Task A_hundred_clients_on_5000_findings_cost_one_rendering_per_page_per_cycle()
    {
        var renders = new int[Enum.GetValues<ServedPage>().Length];
        var state = new AgentState((cycle, counters, page) =>
        {
            Interlocked.Increment(ref renders[(int)page]);
            return AgentState.Render(cycle, counters, page);
        });
        state.Complete(CycleWith(Findings, DateTimeOffset.UnixEpoch));
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var app = AgentHost.Build(state, url, _ => { });
        await app.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        string[] paths = ["/report", "/report?format=json", "/report?format=text", "/report?format=markdown", "/metrics"];

        // A hundred clients at once on pages not rendered yet: whoever comes first renders, the others wait for it.
        var lengths = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => DrainAsync(http, url + paths[i % paths.Length])));
        Assert.Equal(Enumerable.Repeat(1, renders.Length), renders);
        var json = state.Page(ServedPage.Json)!.Value.Length;
        var cached = Enum.GetValues<ServedPage>().Sum(p => state.Page(p)!.Value.Length);
        Assert.True(json > 2 * 1024 * 1024, $"the JSON report of {Findings} findings is only {json} bytes");
        Assert.All(lengths.Where((_, i) => paths[i % paths.Length] == "/report"), l => Assert.Equal(json, l));

        // A hundred more: served from the rendered bytes. Rendering per request would allocate several times the body
        // for each (UTF-16 text, then UTF-8): hundreds of bodies. Served, it is the transport's buffers (about 5 bodies
        // on the machine this was written on) and nothing the heap keeps.
        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => DrainAsync(http, url + paths[i % paths.Length])));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;
        Assert.Equal(Enumerable.Repeat(1, renders.Length), renders);
        Assert.True(allocated < 15 * json, $"{Clients} requests allocated {allocated / 1024 / 1024} MiB; the JSON report is {json / 1024} KiB");
        Assert.True(retained < cached, $"the heap grew by {retained / 1024 / 1024} MiB serving pages of {cached / 1024} KiB in all");

        // A new cycle is rendered anew, once again.
        state.Complete(CycleWith(10, DateTimeOffset.UnixEpoch.AddMinutes(1)));
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => DrainAsync(http, url + paths[i % paths.Length])));
        Assert.Equal(Enumerable.Repeat(2, renders.Length), renders);
        await app.StopAsync();
    }

    [Fact]
    public async Task Before_the_first_cycle_reports_are_not_rendered_and_metrics_once()
    {
        var renders = new int[Enum.GetValues<ServedPage>().Length];
        var state = new AgentState((cycle, counters, page) =>
        {
            Interlocked.Increment(ref renders[(int)page]);
            return AgentState.Render(cycle, counters, page);
        });
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var app = AgentHost.Build(state, url, _ => { });
        await app.StartAsync();
        using var http = new HttpClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"{url}/report")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{url}/metrics")).StatusCode);
        }

        Assert.Equal([0, 0, 0, 1], renders);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"{url}/report?format=%1b[31mred")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void The_pages_served_are_the_renderers_output()
    {
        var cycle = CycleWith(3, DateTimeOffset.UnixEpoch);
        var state = new AgentState();
        state.Complete(cycle);
        Assert.Equal(ReportJson.Serialize(cycle.Report) + "\n", Text(state.Page(ServedPage.Json)!.Value));
        Assert.Equal(TextReportRenderer.Render(cycle.Report), Text(state.Page(ServedPage.Text)!.Value));
        Assert.Equal(MarkdownReportRenderer.Render(cycle.Report), Text(state.Page(ServedPage.Markdown)!.Value));
        Assert.Contains("llmd_doctor_finding_active{code=\"LLMD0003\"", Text(state.Page(ServedPage.Metrics)!.Value), StringComparison.Ordinal);
    }

    private static string Text(ReadOnlySequence<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.ToArray());

    /// <summary>Reads a page to its end without keeping it, so the client side allocates next to nothing.</summary>
    private static async Task<long> DrainAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                total += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
