using System.Net;
using System.Net.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// A gRPC client connection on Grpc.Net.Client over HTTP/2: h2c with prior knowledge for <c>http://</c>,
/// TLS with ALPN h2 for <c>https://</c>. The project keeps its own certificate validation (CA file, pin,
/// explicit skip), the receive-size cap and deadlines; framing, trailers and grpc-message decoding are the
/// library's. Thread-safe; calls are multiplexed as HTTP/2 streams on one connection.
/// </summary>
public sealed class GrpcConnection : IDisposable
{
    private readonly GrpcChannel _channel;
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
        var sockets = new SocketsHttpHandler
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
        if (options.Connect is { } connect)
        {
            sockets.ConnectCallback = (_, cancellation) => connect(cancellation);
        }

        if (options.Address.Scheme == "https")
        {
            _tls = new GrpcTlsValidator(options.Tls);
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => _tls.Validate(certificate, chain, errors),
            };
        }
        var serverName = options.Address.Scheme == "https" ? options.Tls.ServerName : null;
        // Given an HttpClient (not a handler), Grpc.Net.Client treats the transport as custom and skips its
        // client-side load balancer (grpc-dotnet src/Grpc.Net.Client/GrpcChannel.cs, CalculateHandlerContext):
        // one address, one connection pool, failures straight from the socket, no background reconnects.
        var http = new HttpClient(new GrpcAnswerRecorder(sockets, serverName)) { Timeout = Timeout.InfiniteTimeSpan };
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpClient = http,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = null,
            // No retries and no hedging: a probe reports what one attempt saw.
            MaxRetryAttempts = 0,
            HttpVersion = HttpVersion.Version20,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        Invoker = _channel.CreateCallInvoker();
    }

    /// <summary>The settings this connection was created with.</summary>
    public GrpcConnectionOptions Options { get; }

    /// <summary><c>host:port</c> of the server, used in error messages.</summary>
    public string Target { get; }

    /// <summary>Why the last server certificate was rejected, if one was.</summary>
    public string? TlsFailure => _tls?.LastFailure;

    internal CallInvoker Invoker { get; }

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
    public void Dispose() => _channel.Dispose();

    private static GrpcCallException Violation(string message) =>
        new(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message);
}

/// <summary>The result of a successful unary call.</summary>
/// <typeparam name="TResponse">Response message type.</typeparam>
/// <param name="Message">The response message.</param>
/// <param name="Headers">Response headers (initial metadata).</param>
/// <param name="Trailers">Trailers (trailing metadata).</param>
public sealed record GrpcUnaryResponse<TResponse>(TResponse Message, GrpcMetadata Headers, GrpcMetadata Trailers);
