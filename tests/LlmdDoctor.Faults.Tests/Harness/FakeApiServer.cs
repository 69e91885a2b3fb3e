using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>
/// A Kubernetes API server on 127.0.0.1 (adapted from tests/LlmdDoctor.Kubernetes.Tests/Fake) with fault switches:
/// scripted Status errors and raw bodies per path prefix, delays, cut and oversized bodies, a token that can rotate
/// mid-run, client-certificate expiry, watch sessions, and a port-forward whose pod-side answer can be refused,
/// hung, truncated or streamed lazily (a 500 MB Envoy dump is never held in memory).
/// </summary>
public sealed partial class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<JsonObject>> _objects = new();
    private readonly Lock _lock = new();
    private long _resourceVersion = 1000;
    private int _requestCount;

    private FakeApiServer(WebApplication app, Uri url, X509Certificate2? certificate)
    {
        _app = app;
        Url = url;
        ServerCertificate = certificate;
    }

    public Uri Url { get; }

    public X509Certificate2? ServerCertificate { get; }

    public List<FakeResource> Resources { get; } = FakeResource.Defaults();

    public List<FakeFailure> Failures { get; } = [];

    /// <summary>When set, a request without <c>Authorization: Bearer</c> and this token gets 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>HTTPS only: a request without a client certificate, or with an expired one, gets 401 (as kube-apiserver answers).</summary>
    public bool RequireValidClientCertificate { get; set; }

    /// <summary>Called with the 1-based number of every request before it is answered (e.g. to rotate the token).</summary>
    public Action<int>? BeforeRequest { get; set; }

    public ConcurrentQueue<(string Method, string PathAndQuery, string Authorization)> Requests { get; } = new();

    /// <summary>Delay before answering requests whose path starts with the key.</summary>
    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new();

    public Channel<IReadOnlyList<string>?> WatchSessions { get; } = Channel.CreateUnbounded<IReadOnlyList<string>?>();

    /// <summary>What the pod behind a port-forward answers, by (pod, request path).</summary>
    public Func<string, string, PortForwardAnswer> PortForwardResponder { get; set; } = (_, _) => PortForwardAnswer.Http(404, "");

    public ConcurrentQueue<string> PortForwardRequests { get; } = new();

    public long CurrentResourceVersion => Interlocked.Read(ref _resourceVersion);

    public static async Task<FakeApiServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate, options =>
                    {
                        options.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        options.AllowAnyClientCertificate();
                    });
                }
            });
        });
        var app = builder.Build();
        app.UseWebSockets();
        FakeApiServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeApiServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), certificate);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        WatchSessions.Writer.TryComplete();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(quick.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }

    public JsonObject Add(JsonObject obj)
    {
        var resource = ResourceOf(obj);
        var metadata = (JsonObject)(obj["metadata"] ??= new JsonObject());
        metadata["resourceVersion"] = NextResourceVersion().ToString(CultureInfo.InvariantCulture);
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= "2026-01-01T00:00:00Z";
        lock (_lock)
        {
            _objects.GetOrAdd(Key(resource), _ => []).Add(obj);
        }

        return obj;
    }

    public void AddAll(IEnumerable<JsonObject> objects)
    {
        foreach (var obj in objects)
        {
            Add(obj);
        }
    }

    public long NextResourceVersion() => Interlocked.Increment(ref _resourceVersion);

    public void Fail(string pathPrefix, int status, string reason = "", string message = "", int? times = null, string? retryAfter = null) =>
        Failures.Add(new FakeFailure(pathPrefix, status, reason, message) { Times = times, RetryAfter = retryAfter });

    public int RequestsTo(string pathPrefix) => Requests.Count(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal));

    private FakeResource ResourceOf(JsonObject obj)
    {
        var apiVersion = (string?)obj["apiVersion"] ?? "";
        var kind = (string?)obj["kind"] ?? "";
        return Resources.Concat(FakeResource.Defaults()).FirstOrDefault(r => r.GroupVersion == apiVersion && r.Kind == kind)
            ?? throw new InvalidOperationException($"the fake API server does not serve {apiVersion} {kind}");
    }

    public bool Serves(JsonObject obj) =>
        Resources.Any(r => r.GroupVersion == (string?)obj["apiVersion"] && r.Kind == (string?)obj["kind"]);

    private static string Key(FakeResource resource) => $"{resource.GroupVersion}/{resource.Plural}";

    private List<JsonObject> Stored(FakeResource resource)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(Key(resource), out var list) ? [.. list] : [];
        }
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task WriteStatusAsync(HttpContext context, int status, string reason, string message) =>
        WriteJsonAsync(context, status, StatusBody(status, reason, message));

    public static JsonObject StatusBody(int status, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = status,
    };

    private int NextRequestNumber() => Interlocked.Increment(ref _requestCount);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}

/// <summary>A scripted failure: requests whose path starts with <see cref="PathPrefix"/> get this answer.</summary>
public sealed record FakeFailure(string PathPrefix, int Status, string Reason, string Message)
{
    /// <summary>How many requests fail; null = all.</summary>
    public int? Times { get; set; }

    public string? RetryAfter { get; init; }

    /// <summary>Only requests whose query string contains this (e.g. <c>continue=</c>).</summary>
    public string? QueryContains { get; init; }

    /// <summary>The raw body of the n-th (1-based) answer of this failure (e.g. pages with ever-new continue tokens).</summary>
    public Func<int, string>? RawBodyOf { get; init; }

    /// <summary>Answers given through <see cref="RawBodyOf"/> so far.</summary>
#pragma warning disable CA1051 // a counter shared with Interlocked
    public int Answered;
#pragma warning restore CA1051

    /// <summary>Send this raw body (with <see cref="ContentType"/>) instead of a Status.</summary>
    public string? RawBody { get; init; }

    public string ContentType { get; init; } = "text/plain";

    /// <summary>Write the first half of <see cref="RawBody"/>, then abort the connection.</summary>
    public bool CutMidBody { get; init; }

    /// <summary>Stream this many bytes of a never-ending JSON array (no content-length).</summary>
    public long StreamBytes { get; init; }
}

/// <summary>What the pod's port answers through a port-forward.</summary>
public sealed record PortForwardAnswer
{
    /// <summary>Raw HTTP/1.1 answer bytes (status line, headers, body).</summary>
    public byte[]? Raw { get; init; }

    /// <summary>A lazily produced HTTP body sent after a 200 header: nothing is held in memory.</summary>
    public Func<Stream>? Body { get; init; }

    /// <summary>The kubelet reports this on the error channel (e.g. connection refused inside the pod).</summary>
    public string? Error { get; init; }

    /// <summary>Send nothing and keep the stream open.</summary>
    public bool Hang { get; init; }

    public static PortForwardAnswer Http(int status, string body, string contentType = "application/json") => new()
    {
        Raw = Encoding.UTF8.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}"),
    };

    public static PortForwardAnswer Ok(byte[] body, string contentType = "application/json") => new()
    {
        Raw = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body],
    };
}

public sealed partial class FakeApiServer
{
    /// <summary>A watch event line as the API server writes it.</summary>
    public static string Event(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();
}
