using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

[assembly: InternalsVisibleTo("LlmdDoctor.Faults.Tests")]

namespace LlmdDoctor.Simulator.Kube;

/// <summary>
/// Fault switches of <see cref="SimulatedApiServer"/> for the fault matrix (tests/LlmdDoctor.Faults.Tests). Nothing here
/// is set by <c>demo</c> or a scenario: without an instance attached the server answers as kube-apiserver does.
/// Checked per request in this order: <see cref="BeforeRequest"/>, authentication (token or client certificate,
/// <see cref="SimulatedApiServer.ClientCertificateAuthorities"/>), <see cref="Delays"/>, <see cref="Failures"/>; then the server's own routing (watch and port-forward consult
/// <see cref="WatchSessions"/> and <see cref="PortForward"/> first).
/// </summary>
internal sealed class ApiServerFaults
{
    private int _requestCount;

    /// <summary>Scripted answers by path prefix; the first that matches (and has <see cref="ScriptedFailure.Times"/> left) answers.</summary>
    public List<ScriptedFailure> Failures { get; } = [];

    /// <summary>Delay before answering requests whose path starts with the key.</summary>
    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new(StringComparer.Ordinal);

    /// <summary>Called with the 1-based number of every request before it is answered (e.g. to rotate the token).</summary>
    public Action<int>? BeforeRequest { get; set; }

    /// <summary>Every request with its Authorization header (test data only: the recorder is part of the fault hooks).</summary>
    public ConcurrentQueue<ApiRequest> Requests { get; } = new();

    /// <summary>Scripted watch streams: each watch request takes the next session (lines as written; <see cref="Hold"/> keeps the stream open).</summary>
    public Channel<IReadOnlyList<string>?> WatchSessions { get; } = Channel.CreateUnbounded<IReadOnlyList<string>?>();

    /// <summary>A watch session line that keeps the stream open until the client goes away.</summary>
    public const string Hold = "HOLD";

    /// <summary>A watch session line as kube-apiserver writes one event (<c>{"type":…,"object":…}</c>, one per line).</summary>
    public static string WatchEvent(string type, JsonObject obj) =>
        new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString();

    /// <summary>What the pod's port answers through a port-forward, by (pod, request path); null = the server's own responder.</summary>
    public Func<string, string, PodPortAnswer?>? PortForward { get; set; }

    /// <summary>Every port-forwarded request as <c>ns/pod:port request-line</c>.</summary>
    public ConcurrentQueue<string> PortForwardRequests { get; } = new();

    public void Fail(string pathPrefix, int status, string reason = "", string message = "", int? times = null, string? retryAfter = null)
    {
        lock (Failures)
        {
            Failures.Add(new ScriptedFailure(pathPrefix, status, reason, message) { Times = times, RetryAfter = retryAfter });
        }
    }

    public int RequestsTo(string pathPrefix) => Requests.Count(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal));

    internal int NextRequestNumber() => Interlocked.Increment(ref _requestCount);

    /// <summary>The scripted failure for this request, counting it down; null when none applies.</summary>
    internal ScriptedFailure? Take(string path, string query)
    {
        lock (Failures)
        {
            var failure = Failures.FirstOrDefault(f => path.StartsWith(f.PathPrefix, StringComparison.Ordinal) && f.Times is null or > 0
                && (f.QueryContains is null || query.Contains(f.QueryContains, StringComparison.Ordinal)));
            if (failure is not null)
            {
                failure.Times--;
            }

            return failure;
        }
    }
}

/// <summary>One request as the API server saw it.</summary>
internal sealed record ApiRequest(string Method, string PathAndQuery, string Authorization);

/// <summary>A scripted answer: requests whose path starts with <see cref="PathPrefix"/> get it instead of the real one.</summary>
internal sealed record ScriptedFailure(string PathPrefix, int Status, string Reason, string Message)
{
    /// <summary>How many requests fail; null = all.</summary>
    public int? Times { get; set; }

    /// <summary>The Retry-After header (kube-apiserver's max-in-flight filter answers 429 with <c>Retry-After: 1</c>).</summary>
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

/// <summary>What a pod's port answers through a port-forward (a fault hook).</summary>
internal sealed record PodPortAnswer
{
    /// <summary>Raw HTTP/1.1 answer bytes (status line, headers, body).</summary>
    public byte[]? Raw { get; init; }

    /// <summary>A lazily produced HTTP body sent after a 200 header: nothing is held in memory.</summary>
    public Func<Stream>? Body { get; init; }

    /// <summary>The kubelet reports this on the error channel (e.g. connection refused inside the pod).</summary>
    public string? Error { get; init; }

    /// <summary>Send nothing and keep the stream open.</summary>
    public bool Hang { get; init; }

    public static PodPortAnswer Http(int status, string body, string contentType = "application/json") => new()
    {
        Raw = Encoding.UTF8.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}"),
    };

    public static PodPortAnswer Ok(byte[] body, string contentType = "application/json") => new()
    {
        Raw = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body],
    };
}
