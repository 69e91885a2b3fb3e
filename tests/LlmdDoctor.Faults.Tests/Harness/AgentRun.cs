using System.Net;
using LlmdDoctor.Cli;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>The real agent (<see cref="AgentCommands.RunAgentAsync"/>) against a lab, on a free loopback port, with its logs captured.</summary>
internal sealed class AgentRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _agent;
    private readonly LiveClusterSource _source;

    private AgentRun(LiveClusterSource source, string url, Task<int> agent, CancellationTokenSource stop, CapturedLogs logs)
    {
        _source = source;
        Url = url;
        _agent = agent;
        _stop = stop;
        Logs = logs;
    }

    public string Url { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Starts the agent with the lab's configuration and a short <paramref name="interval"/> (below the 5 s a file may say: tests only).</summary>
    public static async Task<AgentRun> StartAsync(Lab lab, TimeSpan interval, Uri? server = null, ServiceAddresses? addresses = null, string token = "kube-token")
    {
        var config = DoctorConfigLoader.Load(lab.ConfigYaml, "fault-config", new Dictionary<string, string?>()) with { Interval = interval };
        var settings = new ReportSettings(config, config.Policy([]), FailOn.Critical, "json");
        var source = new LiveClusterSource(new KubeConnection { Server = server ?? lab.ApiUrl, Credentials = new StaticCredentialSource(new KubeCredential(token, null)) }, config, addresses);
        var url = $"http://127.0.0.1:{Cases.Ports.Closed()}";
        var logs = new CapturedLogs();
        var stop = new CancellationTokenSource();
        var agent = AgentCommands.RunAgentAsync(settings, source, url, stop.Token, l =>
        {
            l.SetMinimumLevel(LogLevel.Trace);
            l.AddProvider(logs);
        });
        var run = new AgentRun(source, url, agent, stop, logs);
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var r = await http.GetAsync($"{url}/healthz");
                if (r.IsSuccessStatusCode)
                {
                    return run;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException("the agent did not start");
    }

    public async Task<(HttpStatusCode Status, string Body, TimeSpan Took)> GetAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var r = await http.GetAsync(Url + path);
        return (r.StatusCode, await r.Content.ReadAsStringAsync(), started.Elapsed);
    }

    /// <summary>Waits until <c>/report</c> satisfies <paramref name="done"/> (at most <paramref name="limit"/>).</summary>
    public async Task<string> WaitForReportAsync(Func<string, bool> done, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var (status, body, _) = await GetAsync("/report");
            last = $"{(int)status} {body}";
            if (status == HttpStatusCode.OK && done(body))
            {
                return body;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no matching report within {limit}; last: {last}");
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        var exit = await _agent.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, exit);
        _source.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Every log line the agent wrote, formatted with its arguments.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
