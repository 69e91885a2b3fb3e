using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Google.Protobuf;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// A gRPC client connection on HttpClient over HTTP/2 (Grpc.Net.Client is not available here):
/// h2c with prior knowledge for <c>http://</c>, TLS with ALPN h2 for <c>https://</c>.
/// Thread-safe; calls are multiplexed as HTTP/2 streams on one connection.
/// </summary>
public sealed class GrpcConnection : IDisposable
{
    private static readonly ProductInfoHeaderValue UserAgent = new("llmd-doctor-grpc", "1");
    private readonly HttpClient _client;
    private readonly GrpcTlsValidator? _tls;

    /// <summary>Creates the connection (no I/O until the first call).</summary>
    public GrpcConnection(GrpcConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"gRPC address must be http:// (h2c) or https:// (TLS), got {options.Address.Scheme}://", nameof(options));
        }
        Options = options;
        Target = $"{options.Address.Host}:{options.Address.Port}";
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // The EPP is a cluster-local service: never route its gRPC through an HTTP(S)_PROXY.
            UseProxy = false,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (options.Address.Scheme == "https")
        {
            _tls = new GrpcTlsValidator(options.Tls);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => _tls.Validate(certificate, chain, errors),
            };
        }
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = options.Address };
    }

    /// <summary>The settings this connection was created with.</summary>
    public GrpcConnectionOptions Options { get; }

    /// <summary><c>host:port</c> of the server, used in error messages.</summary>
    public string Target { get; }

    /// <summary>Why the last server certificate was rejected, if one was.</summary>
    public string? TlsFailure => _tls?.LastFailure;

    /// <summary>Starts a bidirectional-streaming call; nothing is awaited until the first read.</summary>
    public GrpcDuplexCall<TRequest, TResponse> StartDuplex<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(this, method, options ?? new GrpcCallOptions(), cancellationToken);

    /// <summary>
    /// A unary call. Throws <see cref="GrpcCallException"/> when the status is not OK, the transport fails,
    /// or the server answers OK with zero or several messages.
    /// </summary>
    public async Task<GrpcUnaryResponse<TResponse>> UnaryAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = StartDuplex(method, options, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            call.Write(request);
            call.CompleteRequest();
            var response = await call.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw Violation($"{method.Path} ended with OK but without a response message");
            if (await call.ReadAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                throw Violation($"{method.Path} is unary but the server sent more than one message");
            }
            return new GrpcUnaryResponse<TResponse>(response, call.ResponseHeaders, call.Trailers);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    internal HttpRequestMessage CreateRequest(string path, HttpContent content, GrpcCallOptions options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity");
        if (Options.Address.Scheme == "https" && Options.Tls.ServerName is { } serverName)
        {
            // SocketsHttpHandler ignores SslOptions.TargetHost and takes SNI (and the name it checks)
            // from the Host header, which also becomes :authority, as with grpc's authority override.
            request.Headers.Host = serverName;
        }
        if (options.Timeout is { } timeout)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", EncodeTimeout(timeout));
        }
        if (options.Metadata is { } metadata)
        {
            foreach (var (key, value) in metadata)
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }
        }
        return request;
    }

    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>grpc-timeout: at most 8 digits plus a unit (PROTOCOL-HTTP2.md); rounded up so the server never cuts earlier than us.</summary>
    internal static string EncodeTimeout(TimeSpan timeout)
    {
        var ms = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        return ms <= 99_999_999
            ? ms.ToString(CultureInfo.InvariantCulture) + "m"
            : Math.Min(99_999_999, (long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "S";
    }

    private static GrpcCallException Violation(string message) =>
        new(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message);
}

/// <summary>The result of a successful unary call.</summary>
/// <typeparam name="TResponse">Response message type.</typeparam>
/// <param name="Message">The response message.</param>
/// <param name="Headers">Response headers (initial metadata).</param>
/// <param name="Trailers">Trailers (trailing metadata).</param>
public sealed record GrpcUnaryResponse<TResponse>(TResponse Message, GrpcMetadata Headers, GrpcMetadata Trailers);
