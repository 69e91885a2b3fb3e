using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Probes.Tests;

/// <summary>
/// A local stand-in for a gateway + EPP + vLLM on 127.0.0.1, one scenario per path prefix
/// (<c>/&lt;scenario&gt;/v1/…</c>): every status and body shape the classifier knows, plus misbehaving peers
/// (never answers, 1 GB body, reset mid-body). Served over HTTP, HTTPS with an expired self-signed certificate,
/// and HTTPS with a certificate signed by a test CA.
/// </summary>
public sealed class TestGateway : IAsyncLifetime
{
    public const string Model = "Qwen/Qwen3-0.6B";
    public const string Secret = "s3cr3t-token-0123456789";

    private const string ModelList = """{"object":"list","data":[{"id":"Qwen/Qwen3-0.6B","object":"model","created":1,"owned_by":"vllm","root":"Qwen/Qwen3-0.6B","parent":null,"max_model_len":4096}]}""";
    private const string Completion = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"Qwen/Qwen3-0.6B","choices":[{"index":0,"message":{"role":"assistant","content":"p"},"finish_reason":"length"}],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}""";

    private WebApplication? _app;
    private int _inFlight;

    public string HttpUrl { get; private set; } = "";
    public string ExpiredHttpsUrl { get; private set; } = "";
    public string TrustedHttpsUrl { get; private set; } = "";
    public string CaFile { get; private set; } = "";

    /// <summary>A second CA, which signed <see cref="OtherLeaf"/> and not the gateway's certificates.</summary>
    public string OtherCaFile { get; private set; } = "";

    public X509Certificate2 TrustedLeaf { get; private set; } = null!;

    public X509Certificate2 OtherLeaf { get; private set; } = null!;

    /// <summary>HTTPS whose certificate is whatever <see cref="RotatingCertificate"/> is at each handshake (a rotation).</summary>
    public string RotatingHttpsUrl { get; private set; } = "";

    public X509Certificate2 RotatingCertificate { get; set; } = null!;

    /// <summary>Requests seen per scenario: method, path, headers and body.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<SeenRequest>> Seen { get; } = new(StringComparer.Ordinal);

    public int MaxInFlight { get; private set; }

    public void ResetInFlight() => MaxInFlight = 0;

    public async Task InitializeAsync()
    {
        var (ca, leaf) = TestCertificates.CaAndLeaf();
        CaFile = TestCertificates.WritePem(ca);
        var (otherCa, otherLeaf) = TestCertificates.CaAndLeaf();
        OtherCaFile = TestCertificates.WritePem(otherCa);
        (TrustedLeaf, OtherLeaf, RotatingCertificate) = (leaf, otherLeaf, leaf);
        var expired = TestCertificates.ExpiredSelfSigned();
        int http = FreePort(), expiredPort = FreePort(), trustedPort = FreePort(), rotatingPort = FreePort();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, http);
            k.Listen(IPAddress.Loopback, expiredPort, o => o.UseHttps(expired));
            k.Listen(IPAddress.Loopback, trustedPort, o => o.UseHttps(leaf));
            k.Listen(IPAddress.Loopback, rotatingPort, o => o.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => RotatingCertificate }));
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        HttpUrl = $"http://127.0.0.1:{http}";
        ExpiredHttpsUrl = $"https://127.0.0.1:{expiredPort}";
        TrustedHttpsUrl = $"https://127.0.0.1:{trustedPort}";
        RotatingHttpsUrl = $"https://127.0.0.1:{rotatingPort}";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        File.Delete(CaFile);
        File.Delete(OtherCaFile);
    }

    public IReadOnlyList<SeenRequest> SeenBy(string scenario) =>
        Seen.TryGetValue(scenario, out var q) ? [.. q] : [];

    /// <summary>A port nothing listens on (connections are refused).</summary>
    public static int ClosedPort() => FreePort();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var slash = path.IndexOf("/v1/", StringComparison.Ordinal);
        var scenario = path.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : "root";
        var endpoint = slash >= 0 ? path[slash..] : path;
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        Seen.GetOrAdd(scenario, _ => new()).Enqueue(new SeenRequest(ctx.Request.Method, path,
            ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal), body));

        var now = Interlocked.Increment(ref _inFlight);
        MaxInFlight = Math.Max(MaxInFlight, now);
        try
        {
            await RespondAsync(ctx, scenario, endpoint, body);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task RespondAsync(HttpContext ctx, string scenario, string endpoint, string body)
    {
        var models = endpoint == "/v1/models";
        ctx.Response.Headers.Server = "istio-envoy";
        switch (scenario)
        {
            case "healthy" or "tls" or "slow" or "traced":
                if (scenario == "slow")
                {
                    await Task.Delay(150, ctx.RequestAborted);
                }

                if (models)
                {
                    await Json(ctx, 200, ModelList, upstream: true);
                }
                else
                {
                    await AsVllm(ctx, body, picker: true);
                }

                return;
            case "bodyloss-flat" or "bodyloss-nested":
                if (models)
                {
                    await Json(ctx, 200, ModelList, upstream: true);
                }
                else
                {
                    await AsVllm(ctx, "", picker: false, nested: scenario.EndsWith("nested", StringComparison.Ordinal));
                }

                return;
            case "model-mismatch":
                await (models ? Json(ctx, 200, ModelList, upstream: true)
                    : Json(ctx, 404, """{"error":{"message":"The model `Qwen/Qwen3-0.6B` does not exist.","type":"NotFoundError","param":"model","code":404}}""", upstream: true));
                return;
            case "shed":
                await (models ? Json(ctx, 200, ModelList, upstream: true) : Text(ctx, 429, "inference gateway: InferencePoolResourceExhausted - failed to find target pod: pool saturated"));
                return;
            case "nocandidates":
                await (models ? Json(ctx, 200, ModelList, upstream: true) : Text(ctx, 503, "inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request"));
                return;
            case "nopods":
                await (models ? Json(ctx, 200, ModelList, upstream: true) : Text(ctx, 500, "inference gateway: Internal - no pods available in datastore"));
                return;
            case "epp-badrequest":
                await (models ? Json(ctx, 200, ModelList, upstream: true) : Text(ctx, 400, "inference gateway: BadRequest - model not found in request body"));
                return;
            case "nohealthy":
                await Text(ctx, 503, "no healthy upstream");
                return;
            case "bypass":
                await (models ? Json(ctx, 200, ModelList, upstream: true) : Json(ctx, 200, Completion, upstream: true));
                return;
            case "emptylist":
                await (models ? Json(ctx, 200, """{"object":"list","data":[]}""", upstream: true) : AsVllm(ctx, body, picker: true));
                return;
            case "auth":
                ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"maas\", error=\"invalid_token\"";
                await Text(ctx, 401, "Unauthorized");
                return;
            case "echo":
                var auth = ctx.Request.Headers.Authorization.ToString();
                ctx.Response.Headers["x-envoy-echo"] = auth;
                await (models
                    ? Json(ctx, 200, $$$"""{"object":"list","data":[{"id":"{{{Model}}}","note":"{{{auth}}}"}]}""", upstream: true)
                    : Json(ctx, 400, $$$"""{"error":{"message":"bad credential {{{auth}}}","type":"BadRequestError","param":null,"code":400}}""", upstream: true));
                return;
            case "never":
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
                return;
            case "huge":
                await Huge(ctx);
                return;
            case "reset":
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                ctx.Response.ContentLength = 100_000;
                await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("{\"object\":\"list\",\"data\":[" + new string(' ', 1000)), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);

                // Kestrel's flush completes into its transport pipe; give the bytes time to reach the socket before the abort.
                await Task.Delay(200, ctx.RequestAborted);
                ctx.Abort();
                return;
            default:
                ctx.Response.StatusCode = 404;
                return;
        }
    }

    /// <summary>vLLM's behaviour: no body → 400 Field required (flat pre-0.10.1 or nested); else a one-token completion.</summary>
    private static Task AsVllm(HttpContext ctx, string body, bool picker, bool nested = true)
    {
        if (body.Length == 0)
        {
            return Json(ctx, 400, nested
                ? """{"error":{"message":"1 validation error:\n  {'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}","type":"Bad Request","param":"body","code":400}}"""
                : """{"object":"error","message":"[{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}]","type":"Bad Request","param":null,"code":400}""",
                upstream: true);
        }

        using var doc = JsonDocument.Parse(body);
        var model = doc.RootElement.GetProperty("model").GetString();
        if (model != Model)
        {
            return Json(ctx, 404, $$$"""{"error":{"message":"The model `{{{model}}}` does not exist.","type":"NotFoundError","param":"model","code":404}}""", upstream: true);
        }

        if (picker)
        {
            ctx.Response.Headers["x-went-into-resp-headers"] = "true";
        }

        return Json(ctx, 200, Completion, upstream: true);
    }

    private static Task Json(HttpContext ctx, int status, string json, bool upstream)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        if (upstream)
        {
            ctx.Response.Headers["x-envoy-upstream-service-time"] = "3";
        }

        ctx.Response.Headers["set-cookie"] = "session=should-not-be-kept";
        return ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    private static Task Text(HttpContext ctx, int status, string text)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain";
        return ctx.Response.WriteAsync(text, ctx.RequestAborted);
    }

    /// <summary>1 GB generated lazily from one reused chunk: only as much is produced as the client reads.</summary>
    private static async Task Huge(HttpContext ctx)
    {
        const long total = 1L << 30;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = total;
        var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        try
        {
            for (long sent = 0; sent < total && !ctx.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }
}

public sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
