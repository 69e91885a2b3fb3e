using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Monitoring.Http;

/// <summary>
/// GETs from one monitoring API with its credential, TLS trust, timeout and a cap on the response size, and
/// classifies every failure (DNS, connect, TLS, scheme mismatch, 401/403, oversized or failed answers). One
/// attempt per call: retries belong to the schedule. Credentials never enter a result.
/// </summary>
public sealed class ApiTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly ApiCredential _credential;
    private readonly TimeSpan _timeout;
    private readonly int _maxBytes;
    private readonly string _trustProblem;

    public ApiTransport(ApiEndpointSettings settings, TimeSpan timeout, int maxResponseBytes)
    {
        var url = settings.Url ?? throw new ArgumentException("the endpoint has no URL", nameof(settings));

        // Relative API paths resolve below the base path (e.g. a Prometheus served under /prometheus/).
        BaseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        _credential = settings.Credential;
        _timeout = timeout;
        _maxBytes = maxResponseBytes;
        X509Certificate2Collection? trusted = null;
        _trustProblem = "";
        if (settings.CaFile is { Length: > 0 } caFile && !settings.InsecureSkipVerify)
        {
            try
            {
                trusted = [];
                trusted.ImportFromPemFile(caFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                _trustProblem = $"CA file {caFile} could not be read: {ex.GetType().Name}";
            }
        }

        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    Validate(settings.InsecureSkipVerify, trusted, certificate as X509Certificate2, errors),
            },
        };
        // The deadline is a token per exchange (see GetAsync): HttpClient.Timeout stops at the headers when the
        // body is streamed, so a peer that stalls after its headers would hold the call forever.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri BaseUrl { get; }

    /// <summary>The base URL as shown in findings (never carries credentials: they travel in headers).</summary>
    public string DisplayUrl => BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    public async Task<ApiResponse> GetAsync(string pathAndQuery, CancellationToken cancellation)
    {
        var scheme = BaseUrl.Scheme;
        if (_trustProblem.Length > 0)
        {
            return new ApiResponse(ApiOutcome.Unreachable, null, default, "TLS trust not configured", _trustProblem, scheme);
        }

        var (header, problem) = _credential.Load();
        if (problem.Length > 0)
        {
            return new ApiResponse(ApiOutcome.Unauthorized, null, default, "credential unavailable", problem, scheme);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, pathAndQuery));
        using var phase = Core.Telemetry.CollectionProgress.Enter($"GET {request.RequestUri!.GetLeftPart(UriPartial.Query)}");
        request.Headers.Authorization = header;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // One deadline for the whole exchange: connect, headers and every byte of the body.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(_timeout);
        var headersArrived = false;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            headersArrived = true;
            var status = (int)response.StatusCode;
            var (body, tooLarge) = await ReadBoundedAsync(response, deadline.Token).ConfigureAwait(false);
            if (tooLarge)
            {
                return new ApiResponse(ApiOutcome.BadResponse, status, default, "response too large", $"the answer exceeds {_maxBytes} bytes", scheme, scheme);
            }

            return Classify(status, body, scheme);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            var detail = headersArrived
                ? $"the headers arrived but the body did not complete within {_timeout.TotalSeconds:0.#} s"
                : $"no answer within {_timeout.TotalSeconds:0.#} s";
            return new ApiResponse(ApiOutcome.Unreachable, null, default, "timeout", detail, scheme);
        }
        catch (HttpRequestException ex) when (!deadline.IsCancellationRequested)
        {
            return await ClassifyFailureAsync(ex, scheme, cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (!cancellation.IsCancellationRequested)
        {
            // A read cut by the deadline can surface as an aborted connection rather than a cancellation.
            return new ApiResponse(ApiOutcome.Unreachable, null, default, "timeout",
                $"the answer did not complete within {_timeout.TotalSeconds:0.#} s", scheme);
        }
    }

    private ApiResponse Classify(int status, byte[] body, string scheme)
    {
        if (status is 401 or 403)
        {
            return new ApiResponse(ApiOutcome.Unauthorized, status, body, $"HTTP {status}",
                $"HTTP {status} {Snippet(body)} using {_credential.Describe()}".Replace("  ", " ", StringComparison.Ordinal), scheme, scheme);
        }

        var text = Snippet(body);
        if (status == 400 && scheme == "http"
            && (text.Contains("plain HTTP request was sent to HTTPS port", StringComparison.OrdinalIgnoreCase)
                || text.Contains("Client sent an HTTP request to an HTTPS server", StringComparison.OrdinalIgnoreCase)))
        {
            return new ApiResponse(ApiOutcome.SchemeMismatch, status, default, "HTTP request sent to an HTTPS port", $"the server answered 400: {text}", "http", "https");
        }

        if (status is >= 200 and < 300 or 400 or 422)
        {
            return new ApiResponse(ApiOutcome.Ok, status, body, "", "", scheme, scheme);
        }

        return new ApiResponse(ApiOutcome.BadResponse, status, body, $"HTTP {status}", text, scheme, scheme);
    }

    private async Task<ApiResponse> ClassifyFailureAsync(HttpRequestException ex, string scheme, CancellationToken cancellation)
    {
        var inner = Innermost(ex);
        var host = BaseUrl.Host;
        var port = BaseUrl.Port;
        switch (ex.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return new ApiResponse(ApiOutcome.Unreachable, null, default, "DNS", $"{host} does not resolve: {inner}", scheme);
            case HttpRequestError.ConnectionError:
                return new ApiResponse(ApiOutcome.Unreachable, null, default, "connect", $"cannot connect to {host}:{port}: {inner}", scheme);
            case HttpRequestError.SecureConnectionError when scheme == "https":
                if (await SchemeSniffer.SpeaksPlainHttpAsync(host, port, _timeout, cancellation).ConfigureAwait(false))
                {
                    return new ApiResponse(ApiOutcome.SchemeMismatch, null, default, "server gave HTTP response to HTTPS client",
                        $"{host}:{port} answers plain HTTP; the TLS handshake failed: {inner}", "https", "http");
                }

                return new ApiResponse(ApiOutcome.Unreachable, null, default, "TLS", $"TLS handshake with {host}:{port} failed: {inner}", scheme);
            default:
                if (scheme == "http" && await SchemeSniffer.SpeaksTlsAsync(host, port, _timeout, cancellation).ConfigureAwait(false))
                {
                    return new ApiResponse(ApiOutcome.SchemeMismatch, null, default, "HTTP request sent to an HTTPS server",
                        $"{host}:{port} answers TLS where an HTTP status line belongs: {inner}", "http", "https");
                }

                return new ApiResponse(ApiOutcome.Unreachable, null, default, ex.HttpRequestError.ToString(), $"{host}:{port}: {inner}", scheme);
        }
    }

    private async Task<(byte[] Body, bool TooLarge)> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (response.Content.Headers.ContentLength > _maxBytes)
        {
            return ([], true);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > _maxBytes)
                {
                    return ([], true);
                }

                buffer.Write(chunk, 0, n);
            }

            return (buffer.ToArray(), false);
        }
    }

    private static bool Validate(bool insecure, X509Certificate2Collection? trusted, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (insecure || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (trusted is null || certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        return Core.Security.CustomRootChain.Build(certificate, trusted, null, out _);
    }

    /// <summary>A short, single-line excerpt of a body for evidence.</summary>
    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        text = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length > 160 ? text[..160] + "…" : text;
    }

    private static string Innermost(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return messages.Count > 1 ? messages[^1] : messages[0];
    }

    public void Dispose() => _http.Dispose();
}
