using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Probes;

namespace LlmdDoctor.Bench;

/// <summary>
/// Probe overhead: one probe at a time against the loopback vLLM-like server, by (a) a minimal raw-socket client
/// (the bare endpoint latency: new connection, request, full answer, close), (b) the doctor's real GET and POST
/// probers with the agent's settings, (c) blackbox_exporter 0.23 through its /probe endpoint with equivalent
/// modules. Both probers are long-running and warmed up: process start-up is excluded for both. With
/// <c>--tls-ca FILE</c> the server is HTTPS (bench harness <c>serve-vllm --tls-dir</c>): the doctor trusts FILE as the
/// gateway's <c>CaFile</c>, blackbox's <c>*_tls</c> modules as <c>tls_config.ca_file</c>, and bare adds a TLS handshake
/// that verifies nothing (the handshake alone, the least any HTTPS client does).
/// </summary>
public static class ProbeOverhead
{
    private delegate Task<ProbeResult> GetProbe(ProbeTarget target, GatewayProbeOptions options, CancellationToken cancellation);

    private delegate Task<ProbeResult> PostProbe(ProbeTarget target, GatewayProbeOptions options, string model, ModelSource source, CancellationToken cancellation);

    public static readonly string PostBody = Encoding.UTF8.GetString(InferenceRequestBody.For(ProbeKind.Chat, VllmServer.ModelId));

    public static async Task<int> RunAsync(Args args)
    {
        var port = VllmServer.ReadPorts(args.Str("port-file"))[0];
        var blackbox = args.Str("blackbox").TrimEnd('/');
        var blackboxPid = args.Int("blackbox-pid", 0);
        var runs = args.Int("runs", 5);
        var n = args.Int("n", 1000);
        var warmup = args.Int("warmup", 300);
        var caFile = args.Str("tls-ca", "");
        var tls = caFile.Length > 0;
        var baseUrl = $"{(tls ? "https" : "http")}://127.0.0.1:{port}";
        var options = tls ? new GatewayProbeOptions { CaFile = caFile } : GatewayProbeOptions.Default;
        var module = tls ? "_tls" : "";

        // The agent's probe settings (DoctorConfig defaults: 10 s timeout, 8 in flight, 4 KiB excerpts).
        var settings = DoctorSettings.Probes(new DoctorConfig(), new Dictionary<string, ProbeCredential>(), inCluster: false);
        var (get, post) = DoctorProbers(settings);
        var getTarget = Target(ProbeKind.Models, "GET", baseUrl);
        var postTarget = Target(ProbeKind.Chat, "POST", baseUrl);
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var bareGet = Encoding.ASCII.GetBytes($"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n");
        var bodyBytes = Encoding.UTF8.GetBytes(PostBody);
        var barePost = Encoding.ASCII.GetBytes($"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes.Length}\r\n\r\n")
            .Concat(bodyBytes).ToArray();
        using var scrape = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });

        var modes = new (string Name, Func<Task<double?>> Once, int CpuPid)[]
        {
            ("bare GET", () => Task.FromResult<double?>(Bare(endpoint, bareGet, tls)), Proc.Self),
            ("bare POST", () => Task.FromResult<double?>(Bare(endpoint, barePost, tls)), Proc.Self),
            ("doctor GET", async () => Check(await get(getTarget, options, CancellationToken.None)), Proc.Self),
            ("doctor POST", async () => Check(await post(postTarget, options, VllmServer.ModelId, ModelSource.Override, CancellationToken.None)), Proc.Self),
            ("blackbox GET", () => Blackbox(scrape, $"{blackbox}/probe?module=llm_get{module}&target={Uri.EscapeDataString(baseUrl + "/v1/models")}"), blackboxPid),
            ("blackbox POST", () => Blackbox(scrape, $"{blackbox}/probe?module=llm_post{module}&target={Uri.EscapeDataString(baseUrl + "/v1/chat/completions")}"), blackboxPid),
        };

        var loadStart = File.ReadAllText("/proc/loadavg").Trim();
        foreach (var mode in modes)
        {
            for (var i = 0; i < warmup; i++)
            {
                await mode.Once();
            }
        }

        var perMode = modes.ToDictionary(m => m.Name, _ => new List<JsonObject>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var mode in modes)
            {
                var wall = new double[n];
                var inner = new List<double>(n);
                GC.Collect();
                var cpu0 = Proc.CpuSeconds(mode.CpuPid);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var own = await mode.Once();
                    wall[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    if (own is { } o)
                    {
                        inner.Add(o);
                    }
                }

                var elapsed = clock.Elapsed.TotalSeconds;
                var cpu = Proc.CpuSeconds(mode.CpuPid) - cpu0;
                perMode[mode.Name].Add(new JsonObject
                {
                    ["median_us"] = Math.Round(Stats.Median(wall), 1),
                    ["p90_us"] = Math.Round(Stats.Percentile(wall, 90), 1),
                    ["own_median_us"] = inner.Count > 0 ? Math.Round(Stats.Median(inner), 1) : null,
                    ["cpu_us_per_probe"] = Math.Round(cpu * 1e6 / n, 1),
                    ["probes_per_s"] = Math.Round(n / elapsed, 1),
                });
                Console.Error.WriteLine($"run {run + 1}/{runs} {mode.Name,-14} median {Stats.Median(wall),8:0.0} us  cpu {cpu * 1e6 / n,7:0.0} us/probe");
            }
        }

        var result = new JsonObject
        {
            ["n_per_run"] = n, ["runs"] = runs, ["warmup"] = warmup, ["server_port"] = port, ["scheme"] = tls ? "https" : "http",
            ["loadavg_start"] = loadStart, ["loadavg_end"] = File.ReadAllText("/proc/loadavg").Trim(),
        };
        var modesJson = new JsonObject();
        foreach (var (name, list) in perMode)
        {
            modesJson[name] = new JsonObject
            {
                ["median_us"] = Stats.Median(list.Select(r => (double)r["median_us"]!)),
                ["p90_us"] = Stats.Median(list.Select(r => (double)r["p90_us"]!)),
                ["own_median_us"] = list[0]["own_median_us"] is null ? null : Stats.Median(list.Select(r => (double)r["own_median_us"]!)),
                ["cpu_us_per_probe"] = Stats.Median(list.Select(r => (double)r["cpu_us_per_probe"]!)),
                ["runs"] = new JsonArray([.. list]),
            };
        }

        result["modes"] = modesJson;
        Output.Write(args.Str("out"), result);
        return 0;
    }

    /// <summary>The doctor's own GET /v1/models and POST chat probers (internal types, reached by reflection once; calls are direct delegates).</summary>
    private static (GetProbe Get, PostProbe Post) DoctorProbers(ProbeSettings settings)
    {
        var asm = typeof(GatewayProber).Assembly;
        const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var http = Activator.CreateInstance(asm.GetType("LlmdDoctor.Probes.HttpProber", true)!, any, null, [settings, TimeProvider.System], null)!;
        var models = Activator.CreateInstance(asm.GetType("LlmdDoctor.Probes.ModelListProber", true)!, any, null, [http, settings], null)!;
        var chat = Activator.CreateInstance(asm.GetType("LlmdDoctor.Probes.ChatCompletionProber", true)!, any, null, [http], null)!;
        return (models.GetType().GetMethod("ProbeAsync", any)!.CreateDelegate<GetProbe>(models),
            chat.GetType().GetMethod("ProbeAsync", any)!.CreateDelegate<PostProbe>(chat));
    }

    public static ProbeTarget Target(ProbeKind kind, string method, string baseUrl, string prefix = "", string gatewayNs = "bench", string gateway = "gw")
    {
        var path = prefix + (kind == ProbeKind.Models ? ProbePlanner.ModelsSuffix : ProbePlanner.ChatSuffix);
        return new ProbeTarget
        {
            Kind = kind,
            Method = method,
            Url = baseUrl + path,
            Path = path,
            GatewayNamespace = gatewayNs,
            GatewayName = gateway,
            RouteNamespace = gatewayNs,
            RouteName = "route",
            RuleIndex = kind == ProbeKind.Models ? 2 : 1,
            ApiPrefix = prefix,
            ViaInferencePool = kind != ProbeKind.Models,
            ExpectedModel = VllmServer.ModelId,
        };
    }

    private static double? Check(ProbeResult result) => result.Success
        ? result.Timings.Total.TotalMicroseconds
        : throw new InvalidOperationException($"doctor probe failed: {result.Reason} {result.Detail}");

    /// <summary>
    /// New connection (with <paramref name="tls"/> a TLS handshake that accepts any certificate), one request, the whole
    /// answer (by Content-Length), close: the least any prober must do.
    /// </summary>
    private static double? Bare(IPEndPoint endpoint, byte[] request, bool tls)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endpoint);
        using Stream stream = tls ? new SslStream(new NetworkStream(socket), false, (_, _, _, _) => true) : new NetworkStream(socket);
        if (stream is SslStream ssl)
        {
            ssl.AuthenticateAsClient("localhost");
        }

        stream.Write(request);
        Span<byte> buffer = stackalloc byte[4096];
        var total = 0;
        var headerEnd = -1;
        var contentLength = -1;
        var text = new StringBuilder();
        while (true)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                throw new IOException("connection closed early");
            }

            total += read;
            if (headerEnd < 0)
            {
                var headers = Encoding.ASCII.GetString(buffer[..total]);
                headerEnd = headers.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (headerEnd >= 0)
                {
                    if (!headers.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                    {
                        throw new IOException($"bare request failed: {headers.Split('\r')[0]}");
                    }

                    var at = headers.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
                    contentLength = int.Parse(headers.AsSpan(at + 16, headers.IndexOf('\r', at) - at - 16), CultureInfo.InvariantCulture);
                }
            }

            if (headerEnd >= 0 && total >= headerEnd + 4 + contentLength)
            {
                return null;
            }
        }
    }

    /// <summary>One scrape of blackbox's /probe; returns its own probe_duration_seconds in µs.</summary>
    private static async Task<double?> Blackbox(HttpClient client, string url)
    {
        var text = await client.GetStringAsync(url);
        if (!text.Contains("\nprobe_success 1", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"blackbox probe failed: {url}\n{text}");
        }

        var at = text.IndexOf("\nprobe_duration_seconds ", StringComparison.Ordinal) + 24;
        return double.Parse(text.AsSpan(at, text.IndexOf('\n', at) - at), CultureInfo.InvariantCulture) * 1e6;
    }
}
