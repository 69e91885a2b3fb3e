using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// One HTTP attempt, explained: a fresh connection (so resolve, connect and TLS are measured every time), a
/// per-probe timeout, a body read up to a hard cap, allow-listed headers and a bounded, redacted transcript.
/// Never retries: retries belong to the schedule.
/// </summary>
internal sealed class HttpProber : IDisposable
{
    private const int ReadChunk = 16 * 1024;

    private readonly ProbeSettings _settings;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate;
    private readonly CaTrustCache _caFiles = new();

    public HttpProber(ProbeSettings settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        _gate = new SemaphoreSlim(Math.Max(1, settings.MaxConcurrency));
    }

    /// <summary>
    /// Sends one request. The returned draft has <see cref="ProbeResult.Reason"/> set for transport failures and
    /// non-2xx answers; a 2xx draft has <see cref="ProbeFailureReason.None"/> until its body is judged.
    /// </summary>
    /// <param name="keepBytes">Body bytes to keep for parsing (at least the excerpt).</param>
    public async Task<HttpExchange> SendAsync(ProbeTarget target, GatewayProbeOptions options, byte[]? body, int keepBytes, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return await AttemptAsync(target, options, body, Math.Max(keepBytes, _settings.ExcerptBytes), cancellation).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<HttpExchange> AttemptAsync(ProbeTarget target, GatewayProbeOptions options, byte[]? body, int keepBytes, CancellationToken cancellation)
    {
        var started = _time.GetUtcNow();
        var uri = new Uri(target.Url);
        var tls = uri.Scheme == Uri.UriSchemeHttps;
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        var hostHeader = options.Host ?? uri.Authority;
        var serverName = tls ? options.Sni ?? HostOnly(options.Host) ?? host : null;
        var clock = new ProbeClock(_time);
        using var phase = Core.Telemetry.CollectionProgress.Enter($"probe {target.Method} {uri.GetLeftPart(UriPartial.Path)} of Gateway {target.GatewayNamespace}/{target.GatewayName}");
        var connector = new ProbeConnector(host, uri.Port, serverName, tls ? Trust(options) : null, clock);
        using var activity = Core.Telemetry.DoctorActivity.Source.StartActivity($"probe {target.Method} {target.Kind}", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("http.request.method", target.Method);
        activity?.SetTag("url.path", uri.AbsolutePath);
        activity?.SetTag("server.address", host);
        activity?.SetTag("llmd.gateway", $"{target.GatewayNamespace}/{target.GatewayName}");

        // The probe's traceparent is its own span when tracing is on, so the gateway's and EPP's spans join the doctor's trace.
        var trace = activity is not null ? new TraceParent(activity.TraceId.ToHexString(), activity.SpanId.ToHexString()) : TraceParent.NewRandom();
        var transcript = new ProbeTranscript(_settings.TranscriptChars);

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = connector.ConnectAsync,
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
            MaxResponseDrainSize = 0,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

        // TLS is done by the connector, so the handler is given http:// to the same host and port.
        var wire = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = uri.Port }.Uri;
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), wire)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = hostHeader;
        request.Headers.TryAddWithoutValidation("User-Agent", "llmd-doctor-probe/1");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("traceparent", trace.Header);
        if (options.Credential is { } credential)
        {
            request.Headers.TryAddWithoutValidation(credential.HeaderName, credential.Value);
        }

        // Headers the route match requires (model routing); the planner let through only token names and
        // printable values, and they never replace a header the probe sets itself.
        foreach (var (name, value) in target.Headers)
        {
            if (!request.Headers.NonValidated.Contains(name) && !ContentHeaderNames.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        WriteRequest(transcript, target, request, body, options.Credential);

        using var timer = new CancellationTokenSource(_settings.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timer.Token);
        var exchange = new HttpExchange { Target = target, StartedAt = started, TraceId = trace.TraceId, CredentialSent = options.Credential is not null };
        HttpResponseMessage? response = null;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            clock.HeadersReceived();
            foreach (var note in connector.Notes)
            {
                transcript.Note(note);
            }

            exchange.Status = (int)response.StatusCode;
            exchange.Headers = PathHeaders.Select(response);
            transcript.Response($"HTTP/{response.Version} {exchange.Status} {response.ReasonPhrase}");
            foreach (var (name, value) in exchange.Headers)
            {
                transcript.Response($"{name}: {value}");
            }

            await ReadBodyAsync(response, exchange, keepBytes, linked.Token).ConfigureAwait(false);
            if (exchange.Reason == ProbeFailureReason.None && exchange.Status is < 200 or >= 300)
            {
                exchange.Reason = ProbeFailureReason.HttpError;
            }
        }
        catch (Exception ex) when (!cancellation.IsCancellationRequested)
        {
            if (exchange.Status == 0)
            {
                foreach (var note in connector.Notes)
                {
                    transcript.Note(note);
                }
            }

            (exchange.Reason, exchange.Detail) = ProbeFailureExplainer.Explain(ex, timer.IsCancellationRequested ? _settings.Timeout : null, clock.Phase);
            exchange.FailedIn = clock.Phase;
        }
        finally
        {
            clock.Finished();
            response?.Dispose();
        }

        exchange.Timings = clock.Timings();
        exchange.Excerpt = Encoding.UTF8.GetString(exchange.Kept.AsSpan(0, Math.Min(exchange.Kept.Length, _settings.ExcerptBytes)));
        if (exchange.Status > 0)
        {
            transcript.Response("");
            transcript.Body("< ", exchange.Excerpt);
            transcript.Note($"body: {exchange.BodyBytes.ToString(CultureInfo.InvariantCulture)} bytes read"
                + (exchange.BodyBytes > exchange.Excerpt.Length ? $", excerpt {Math.Min(exchange.Kept.Length, _settings.ExcerptBytes)} bytes" : ""));
        }

        exchange.Transcript = transcript;
        return exchange;
    }

    private async Task ReadBodyAsync(HttpResponseMessage response, HttpExchange exchange, int keepBytes, CancellationToken cancellation)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        using var kept = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadChunk);
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(0, ReadChunk), cancellation).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                var keep = (int)Math.Min(n, keepBytes - kept.Length);
                if (keep > 0)
                {
                    kept.Write(buffer, 0, keep);
                }

                exchange.BodyBytes += n;
                if (exchange.BodyBytes > _settings.MaxBodyBytes)
                {
                    exchange.Reason = ProbeFailureReason.TooLarge;
                    exchange.FailedIn = ProbePhase.Transfer;
                    exchange.Detail = $"the body exceeded {_settings.MaxBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes"
                        + (response.Content.Headers.ContentLength is { } length ? $" (content-length {length.ToString(CultureInfo.InvariantCulture)})" : "")
                        + "; the connection was dropped";
                    break;
                }
            }

            exchange.BodyComplete = exchange.Reason == ProbeFailureReason.None && exchange.BodyBytes == kept.Length;
        }
        finally
        {
            exchange.Kept = kept.ToArray();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly HashSet<string> ContentHeaderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "Connection", "Host",
    };

    private static void WriteRequest(ProbeTranscript transcript, ProbeTarget target, HttpRequestMessage request, byte[]? body, ProbeCredential? credential)
    {
        transcript.Request($"{target.Method} {target.Url} HTTP/1.1");
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers = request.Headers.NonValidated
            .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value));
        if (request.Content is { } content)
        {
            headers = headers.Concat(content.Headers);
        }

        foreach (var (name, values) in headers)
        {
            var value = ProbeRedaction.IsSecretHeader(name, credential) ? ProbeRedaction.Redacted : string.Join(", ", values);
            transcript.Request($"{name.ToLowerInvariant()}: {value}");
        }

        if (body is not null)
        {
            transcript.Request("");
            transcript.Body("> ", Encoding.UTF8.GetString(body));
        }
    }

    private static string? HostOnly(string? hostHeader)
    {
        if (hostHeader is null)
        {
            return null;
        }

        return Uri.TryCreate($"http://{hostHeader}", UriKind.Absolute, out var u) ? u.IdnHost : hostHeader;
    }

    private CertificateTrust Trust(GatewayProbeOptions options) =>
        new(options.CaFile, options.CaFile is { } file ? _caFiles.For(file) : null, options.InsecureSkipVerify);

    public void Dispose()
    {
        _gate.Dispose();
        _caFiles.Dispose();
    }
}
