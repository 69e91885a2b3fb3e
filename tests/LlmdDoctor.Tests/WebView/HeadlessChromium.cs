using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static LlmdDoctor.Tests.Peers.PeerProcesses;

namespace LlmdDoctor.Tests.WebView;

/// <summary>
/// Debian's Chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket, no driver package): open a page,
/// evaluate JavaScript in it, take a screenshot, and collect every console error, uncaught exception and browser log
/// error (CSP violations among them) the page produces.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private int _nextId;

    /// <summary>Console errors, uncaught exceptions and error log entries, in the order they arrived.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    private HeadlessChromium(Process process, DirectoryInfo profile, Uri pageSocket)
    {
        _process = process;
        _profile = profile;
        _socket.ConnectAsync(pageSocket, CancellationToken.None).GetAwaiter().GetResult();
        _reader = Task.Run(ReadAsync);
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var binary = Require("/usr/bin/chromium", "chromium");
        var port = FreePort();
        var profile = Directory.CreateTempSubdirectory("llmd-chromium-");

        // The flags this machine's notes give for a closed network (no background connections, no first-run work).
        var process = Start(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            $"--user-data-dir={profile.FullName}", $"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
            "--window-size=1500,1100", "about:blank");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 200; i++)
        {
            try
            {
                var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
                if (targets.FirstOrDefault(t => (string?)t!["type"] == "page") is { } page)
                {
                    return new HeadlessChromium(process, profile, new Uri((string)page["webSocketDebuggerUrl"]!));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        await StopAsync(process);
        profile.Delete(recursive: true);
        throw new InvalidOperationException($"Chromium did not open its DevTools port {port} within 20 s");
    }

    /// <summary>Enables the domains whose events report errors, then loads <paramref name="url"/>.</summary>
    public async Task OpenAsync(string url)
    {
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
        await SendAsync("Page.enable");
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
    }

    /// <summary>The value of a JavaScript expression in the page (awaited when it is a promise), as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"{expression} threw: {error.ToJsonString()}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Waits until <paramref name="expression"/> is true in the page.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await EvaluateAsync(expression) is JsonValue v && v.TryGetValue<bool>(out var ok) && ok)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"'{expression}' was not true within {timeout.TotalSeconds:0} s; errors: {string.Join(" | ", Errors)}");
    }

    /// <summary>A JPEG of what the window shows.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "jpeg", ["quality"] = 70 });
        return Convert.FromBase64String((string)result["data"]!);
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove((int)id, out var waiter))
                {
                    if (node["error"] is { } error)
                    {
                        waiter.SetException(new InvalidOperationException(error.ToJsonString()));
                    }
                    else
                    {
                        waiter.SetResult(node["result"] ?? new JsonObject());
                    }
                }
                else
                {
                    Observe(node);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    private void Observe(JsonNode e)
    {
        var p = e["params"];
        switch ((string?)e["method"])
        {
            case "Runtime.consoleAPICalled" when (string?)p!["type"] is "error" or "assert":
                Errors.Enqueue("console: " + string.Join(" ", p["args"]!.AsArray().Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString())));
                break;
            case "Runtime.exceptionThrown":
                Errors.Enqueue("exception: " + (p!["exceptionDetails"]?["exception"]?["description"] ?? p["exceptionDetails"]?["text"]));
                break;
            case "Log.entryAdded" when (string?)p!["entry"]!["level"] == "error":
                Errors.Enqueue("log: " + p["entry"]!["text"] + " " + p["entry"]!["url"]);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _reader.ConfigureAwait(false);
        _socket.Dispose();
        await StopAsync(_process);
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium's last writes to its profile can race the delete; the folder is under /tmp.
        }

        _stop.Dispose();
    }
}
