using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
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

namespace LlmdDoctor.Kubernetes.Tests.Fake;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 that answers like the real one for what the doctor uses:
/// discovery (/api, /apis, /apis/g/v), get/list with limit+continue paging and label selectors, Tables for kubectl,
/// metadata-only lists, watch streams, Status errors, 401 without the expected token, and pod port-forward over
/// WebSocket (v4.channel.k8s.io).
/// </summary>
public sealed partial class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<JsonObject>> _objects = new();
    private readonly Lock _lock = new();
    private long _resourceVersion = 1000;

    private FakeApiServer(WebApplication app, Uri url, X509Certificate2? certificate)
    {
        _app = app;
        Url = url;
        ServerCertificate = certificate;
    }

    public Uri Url { get; }

    /// <summary>The self-signed certificate served when started with HTTPS (its own CA).</summary>
    public X509Certificate2? ServerCertificate { get; }

    public List<FakeResource> Resources { get; } = FakeResource.Defaults();

    public List<FakeFailure> Failures { get; } = [];

    /// <summary>When set, a request without <c>Authorization: Bearer</c> and this token gets 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When set (HTTPS only), a request without a client certificate with this subject gets 401.</summary>
    public string? RequiredClientSubject { get; set; }

    /// <summary>Every request: method, path and query, Accept header.</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery, string Accept)> Requests { get; } = new();

    public ConcurrentQueue<string> SeenTokens { get; } = new();

    /// <summary>Delay before answering requests whose path starts with the key.</summary>
    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new();

    /// <summary>Watch sessions: each watch request takes the next; lines are written as-is; <c>null</c> ends the list and holds the stream open.</summary>
    public Channel<IReadOnlyList<string>?> WatchSessions { get; } = Channel.CreateUnbounded<IReadOnlyList<string>?>();

    /// <summary>Watches asking for a resourceVersion below this get HTTP 410.</summary>
    public long WatchGoneBelow { get; set; }

    /// <summary>What the pod behind a port-forward answers to an HTTP request (raw HTTP/1.1 response bytes), by request path.</summary>
    public Func<string, byte[]> PortForwardResponder { get; set; } =
        path => Encoding.ASCII.GetBytes($"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    public ConcurrentQueue<string> PortForwardRequests { get; } = new();

    public long CurrentResourceVersion => Interlocked.Read(ref _resourceVersion);

    /// <param name="chain">With HTTPS: a leaf certificate and the intermediates to send with it (default: one self-signed certificate).</param>
    public static async Task<FakeApiServer> StartAsync(bool https = false, (X509Certificate2 Leaf, X509Certificate2Collection Intermediates)? chain = null)
    {
        var certificate = chain?.Leaf ?? (https ? TestCertificates.Server() : null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate, options =>
                    {
                        options.ServerCertificateChain = chain?.Intermediates;
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Stores an object under its apiVersion's resource; gives it a resourceVersion and uid.</summary>
    public JsonObject Add(JsonObject obj)
    {
        var resource = ResourceOf(obj);
        var metadata = (JsonObject)(obj["metadata"] ??= new JsonObject());
        metadata["resourceVersion"] = NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>Stops announcing a group (the CRD is not installed).</summary>
    public void RemoveGroup(string group) => Resources.RemoveAll(r => r.Group == group);

    public void Fail(string pathPrefix, int status, string reason = "", string message = "", int? times = null, string? retryAfter = null) =>
        Failures.Add(new FakeFailure(pathPrefix, status, reason, message) { Times = times, RetryAfter = retryAfter });

    private FakeResource ResourceOf(JsonObject obj)
    {
        var apiVersion = (string?)obj["apiVersion"] ?? "";
        var kind = (string?)obj["kind"] ?? "";
        return Resources.Concat(FakeResource.Defaults()).First(r => r.GroupVersion == apiVersion && r.Kind == kind);
    }

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

    private static JsonObject StatusBody(int status, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = status,
    };
}
