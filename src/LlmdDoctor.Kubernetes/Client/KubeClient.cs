using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// A small Kubernetes REST client: get, paged list, metadata-only list, watch, discovery and port-forward.
/// Objects are <see cref="JsonObject"/>s exactly as the server sent them. Errors are typed
/// (<see cref="KubeApiException"/> and subclasses) and their messages name the URL and the reason, never
/// a credential.
/// </summary>
public sealed partial class KubeClient : IDisposable
{
    internal const string JsonAccept = "application/json";

    /// <summary>
    /// How answers are parsed: a duplicate key (which the API server never sends) is an error at parse time, not an
    /// exception later when the object is read; nesting deeper than 64 levels is refused.
    /// </summary>
    internal static readonly JsonDocumentOptions AnswerJson = new() { AllowDuplicateProperties = false, MaxDepth = 64 };
    private readonly KubeConnection _connection;
    private readonly KubeClientOptions _options;
    private readonly Lock _httpLock = new();
    private HttpMessageInvoker? _http;
    private string? _httpCertificate;

    public KubeClient(KubeConnection connection, KubeClientOptions? options = null)
    {
        _connection = connection;
        _options = options ?? new KubeClientOptions();
    }

    /// <summary>The API server base URL.</summary>
    public Uri Server => _connection.Server;

    public KubeConnection Connection => _connection;

    public KubeClientOptions Options => _options;

    public void Dispose()
    {
        lock (_httpLock)
        {
            _http?.Dispose();
            _http = null;
        }
    }

    internal Uri Url(string pathAndQuery) => new(_connection.Server.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    internal static string Query(string path, params (string Key, string? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (key, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }

    /// <summary>GETs a JSON document within the request timeout and the size bound.</summary>
    internal async Task<JsonNode> GetJsonAsync(string pathAndQuery, string accept, CancellationToken cancellationToken)
    {
        var url = Url(pathAndQuery);
        using var phase = Core.Telemetry.CollectionProgress.Enter($"Kubernetes API GET {url}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, url, accept, timeout.Token).ConfigureAwait(false);
            var bytes = await ReadBoundedAsync(response, url, timeout.Token).ConfigureAwait(false);
            try
            {
                return JsonNode.Parse(bytes, documentOptions: AnswerJson) ?? throw new KubeUnavailableException($"GET {url}: the server answered JSON null", url);
            }
            catch (JsonException ex)
            {
                throw new KubeUnavailableException($"GET {url}: the answer is not JSON that Kubernetes sends ({ex.Message})", url, inner: ex);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(url);
        }
    }

    internal KubeUnavailableException TimedOut(Uri url) =>
        new($"GET {url}: no answer within {_options.RequestTimeout.TotalSeconds:0.#} s (timeout)", url);

    /// <summary>
    /// Sends a request and returns the response once its headers arrived and the status is a success.
    /// Retries once after a 401 when the credential may have rotated, and once after a 429.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string accept, CancellationToken cancellationToken, Func<HttpContent>? content = null)
    {
        var retriedUnauthorized = false;
        var retriedThrottled = false;
        while (true)
        {
            var credential = await _connection.Credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, url) { Content = content?.Invoke() };
            request.Headers.TryAddWithoutValidation("Accept", accept);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("llmd-doctor", "1"));
            if (credential.BearerToken is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            HttpResponseMessage response;
            try
            {
                response = await HttpFor(credential).SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new KubeUnavailableException($"{method} {url}: {Describe(ex)}", url, inner: ex);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && !retriedUnauthorized && _connection.Credentials is not StaticCredentialSource)
            {
                retriedUnauthorized = true;
                response.Dispose();
                _connection.Credentials.Invalidate();
                continue;
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests && !retriedThrottled)
            {
                retriedThrottled = true;
                var delay = RetryAfter(response);
                response.Dispose();
                await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                throw await ErrorAsync(method, url, response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        var delay = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - _options.Time.GetUtcNow() : TimeSpan.FromSeconds(1));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryAfter ? _options.MaxRetryAfter : delay;
    }

    private static async Task<KubeApiException> ErrorAsync(HttpMethod method, Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        KubeStatus? status = null;
        try
        {
            var body = await ReadAtMostAsync(response, 64 * 1024, cancellationToken).ConfigureAwait(false);
            status = body is null ? null : JsonSerializer.Deserialize(body, KubeWireJsonContext.Default.KubeStatus);
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // Not a Status body (a proxy's HTML page, a cut connection): the HTTP status alone explains it.
        }

        var code = (int)response.StatusCode;
        var detail = status?.Message is { Length: > 0 } m ? m : response.ReasonPhrase ?? "";
        var message = $"{method} {url}: {code} {status?.Reason ?? response.ReasonPhrase}: {detail}";
        var reason = status?.Reason;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new KubeUnauthorizedException(message + " (the credential was rejected)", url, reason),
            HttpStatusCode.Forbidden => new KubeForbiddenException(message, url, reason),
            HttpStatusCode.NotFound => new KubeNotFoundException(message, url, reason),
            HttpStatusCode.Gone => new KubeGoneException(message, url, reason),
            HttpStatusCode.Conflict => new KubeConflictException(message, url, reason),
            HttpStatusCode.TooManyRequests => new KubeUnavailableException(message + " (still throttled after one retry)", url, response.StatusCode, reason),
            _ when code >= 500 => new KubeUnavailableException(message, url, response.StatusCode, reason),
            _ => new KubeApiException(message, response.StatusCode, reason, url),
        };
    }

    private static string Describe(HttpRequestException ex)
    {
        var inner = ex.InnerException;
        while (inner?.InnerException is not null && inner is not AuthenticationException)
        {
            inner = inner.InnerException;
        }

        var what = inner is AuthenticationException ? "TLS handshake failed" : "cannot connect";
        return inner is null || ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{what}: {ex.Message}"
            : $"{what}: {ex.Message} ({inner.Message})";
    }

    internal async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(url, limit);
        }

        try
        {
            return await ReadAtMostAsync(response, limit, cancellationToken).ConfigureAwait(false)
                ?? throw TooLarge(url, limit);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new KubeUnavailableException($"GET {url}: the connection broke while reading the answer ({ex.Message})", url, inner: ex);
        }
    }

    private static KubeUnavailableException TooLarge(Uri url, long limit) =>
        new($"GET {url}: the answer is larger than {limit / (1024 * 1024.0):0.#} MiB; use a smaller page size or a narrower selector", url);

    /// <summary>Reads the body; returns null when it exceeds <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The transport for a credential; rebuilt when an exec plugin hands out a new client certificate.</summary>
    internal HttpMessageInvoker HttpFor(KubeCredential credential)
    {
        var thumbprint = credential.ClientCertificate?.Thumbprint ?? "";
        lock (_httpLock)
        {
            if (_http is null || _httpCertificate != thumbprint)
            {
                // The previous invoker is left to the GC: requests may still be reading from it.
                _http = new HttpMessageInvoker(CreateHandler(credential), disposeHandler: true);
                _httpCertificate = thumbprint;
            }

            return _http;
        }
    }

    private SocketsHttpHandler CreateHandler(KubeCredential credential) => new()
    {
        SslOptions = KubeTls.Options(_connection, credential.ClientCertificate),
        ConnectTimeout = _options.RequestTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        AutomaticDecompression = DecompressionMethods.GZip,
        // The API server is reached directly, as client-go does for in-cluster config; kubeconfig proxy-url is not supported.
        UseProxy = false,
        AllowAutoRedirect = false,
    };
}
