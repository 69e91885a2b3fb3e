using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmdDoctor.Core.Telemetry;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Telemetry;

public sealed class TracingTests
{
    [Fact]
    public async Task A_run_records_a_cycle_span_with_a_child_span_per_check()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DoctorActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        // Other tests run cycles at the same time: a uniquely named copy of the bundle tells this run's spans apart.
        var unique = Directory.CreateTempSubdirectory("traced-bundle-");
        CopyDirectory(Repository.ScenarioBundle("healthy"), unique.FullName);
        await CliRunner.RunAsync(["analyze", unique.FullName, "-o", "json"]);
        unique.Delete(recursive: true);

        List<Activity> mine;
        lock (spans)
        {
            mine = [.. spans];
        }

        var cycle = Assert.Single(mine, a => a.DisplayName == "cycle" && (string?)a.GetTagItem("llmd.source") == $"bundle {unique.Name}");
        var checks = mine.Where(a => a.ParentSpanId == cycle.SpanId && a.DisplayName.StartsWith("check ", StringComparison.Ordinal)).ToList();
        Assert.Contains(checks, a => a.DisplayName == "check gateway.Ready");
        Assert.Contains(checks, a => a.DisplayName == "check envoy.ExtProcBodyLoss");
        Assert.All(checks, a => Assert.Equal(cycle.TraceId, a.TraceId));
    }

    [Fact]
    public async Task Spans_are_exported_over_otlp_http_when_the_endpoint_is_set()
    {
        using var receiver = new HttpListener();
        var port = FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = new TaskCompletionSource<(string Path, byte[] Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            var ctx = await receiver.GetContextAsync();
            using var ms = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(ms);
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
            received.TrySetResult((ctx.Request.Url!.AbsolutePath, ms.ToArray()));
        });

        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        await CliRunner.RunAsync(["analyze", Repository.ScenarioBundle("healthy"), "-o", "json"], env: env);
        var (path, body) = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("/v1/traces", path);
        var text = Encoding.UTF8.GetString(body);
        Assert.Contains("llmd-doctor", text);
        Assert.Contains("check gateway.Ready", text);
    }

    [Fact]
    public async Task Nothing_is_exported_without_an_endpoint()
    {
        var started = DateTime.UtcNow;
        var result = await CliRunner.RunAsync(["analyze", Repository.ScenarioBundle("healthy")]);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(LlmdDoctor.Agent.DoctorTracing.StartIfConfigured(_ => null));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
