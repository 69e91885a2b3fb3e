using System.Net;
using System.Threading.Channels;
using Google.Protobuf;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// One bidirectional-streaming call. Writes are queued and sent (one flushed DATA frame per message)
/// while reads proceed; <see cref="CompleteRequest"/> half-closes. Dispose to end the call (an
/// unfinished call is reset with RST_STREAM CANCEL). Writes may come from any thread; reads from one
/// reader at a time.
/// </summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class GrpcDuplexCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcMethod<TRequest, TResponse> _method;
    private readonly GrpcConnection _connection;
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _call;
    private readonly CancellationToken _callerToken;
    private readonly TimeSpan? _timeout;
    private readonly Task<HttpResponseMessage> _responseTask;
    private HttpResponseMessage? _response;
    private Stream? _responseStream;
    private GrpcCallException? _failure;
    private int _messagesSent;

    internal GrpcDuplexCall(GrpcConnection connection, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions options, CancellationToken cancellationToken)
    {
        _connection = connection;
        _method = method;
        _timeout = options.Timeout;
        _callerToken = cancellationToken;
        _deadline = options.Timeout is { } timeout ? new CancellationTokenSource(timeout) : new CancellationTokenSource();
        _call = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, cancellationToken);
        var request = connection.CreateRequest(method.Path, new GrpcRequestContent(_outgoing.Reader), options);
        _responseTask = connection.SendAsync(request, _call.Token);
    }

    /// <summary>Response headers (initial metadata); empty until the server has answered.</summary>
    public GrpcMetadata ResponseHeaders { get; private set; } = GrpcMetadata.Empty;

    /// <summary>Trailers (trailing metadata, including grpc-status); empty until the call ended.</summary>
    public GrpcMetadata Trailers { get; private set; } = GrpcMetadata.Empty;

    /// <summary>Final status once the call ended (OK, the server's error, or a synthesized transport status); null while running.</summary>
    public RpcStatus? Status { get; private set; }

    /// <summary>Messages queued so far.</summary>
    public int MessagesSent => _messagesSent;

    /// <summary>
    /// Queues one message. Returns false (and sends nothing) when the call already ended or the request
    /// side was completed; the reason is then available from <see cref="ReadAsync"/> / <see cref="Status"/>.
    /// </summary>
    public bool Write(TRequest message)
    {
        if (!_outgoing.Writer.TryWrite(GrpcFraming.Frame(message)))
        {
            return false;
        }
        Interlocked.Increment(ref _messagesSent);
        return true;
    }

    /// <summary>Half-closes the request side once every queued message is sent.</summary>
    public void CompleteRequest() => _outgoing.Writer.TryComplete();

    /// <summary>
    /// Reads the next response message; null when the server ended the call with OK.
    /// Throws <see cref="GrpcCallException"/> for a non-OK status or a transport failure (also on every later call).
    /// </summary>
    public async Task<TResponse?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw _failure;
        }
        if (Status is not null)
        {
            return null;
        }
        using var link = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_call.Token, cancellationToken) : null;
        var token = link?.Token ?? _call.Token;
        try
        {
            if (_responseStream is null)
            {
                var trailersOnly = await ReceiveHeadersAsync(token).ConfigureAwait(false);
                if (trailersOnly is { } status)
                {
                    return Finish(status);
                }
            }
            var payload = await GrpcFraming.ReadAsync(_responseStream!, _connection.Options.MaxReceiveMessageSize, token).ConfigureAwait(false);
            if (payload is not null)
            {
                try
                {
                    return _method.ResponseParser.ParseFrom(payload);
                }
                catch (InvalidProtocolBufferException e)
                {
                    var message = $"cannot decode a {typeof(TResponse).Name} from the peer: {e.Message}";
                    throw new GrpcCallException(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message, e);
                }
            }
            Trailers = GrpcMetadata.FromHttp(_response!.TrailingHeaders);
            var final = GrpcErrors.ParseStatus(Trailers) ?? throw MissingStatus();
            return Finish(final);
        }
        catch (Exception e) when (e is not GrpcCallException || _failure is null)
        {
            throw Fail(Classify(e, cancellationToken));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        if (Status is null && _failure is null)
        {
            await _call.CancelAsync().ConfigureAwait(false);
        }
        try
        {
            (await _responseTask.ConfigureAwait(false)).Dispose();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // The call already failed or was cancelled; its outcome was reported by ReadAsync.
        }
        _call.Dispose();
        _deadline.Dispose();
    }

    // Returns the status of a trailers-only response (grpc-status in the headers), else null.
    private async Task<RpcStatus?> ReceiveHeadersAsync(CancellationToken token)
    {
        _response = await _responseTask.WaitAsync(token).ConfigureAwait(false);
        ResponseHeaders = GrpcMetadata.FromHttp(_response.Headers, _response.Content.Headers);
        var headerStatus = GrpcErrors.ParseStatus(ResponseHeaders);
        var contentType = _response.Content.Headers.ContentType;
        var isGrpc = contentType?.MediaType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (_response.StatusCode != HttpStatusCode.OK || (!isGrpc && headerStatus is null))
        {
            if (headerStatus is { } status && _response.StatusCode == HttpStatusCode.OK)
            {
                return status;
            }
            throw GrpcErrors.NotGrpc(_response.StatusCode, contentType, _connection.Target);
        }
        if (headerStatus is { } trailersOnly)
        {
            Trailers = ResponseHeaders;
            return trailersOnly;
        }
        _responseStream = await _response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        return null;
    }

    private TResponse? Finish(RpcStatus status)
    {
        Status = status;
        _outgoing.Writer.TryComplete();
        if (status.IsOk)
        {
            return null;
        }
        // A server enforcing our grpc-timeout may notice the deadline a moment before we do.
        var kind = status.Code == GrpcStatusCode.DeadlineExceeded ? GrpcFailureKind.DeadlineExceeded : GrpcFailureKind.ServerStatus;
        throw Fail(new GrpcCallException(status, kind, $"server ended the call with {status}"), serverEnded: true);
    }

    private GrpcCallException Fail(GrpcCallException failure, bool serverEnded = false)
    {
        _failure ??= failure;
        Status ??= _failure.Status;
        _outgoing.Writer.TryComplete();
        if (!serverEnded)
        {
            // Reset the stream so the peer stops working on a call we gave up on.
            _call.Cancel();
        }
        return _failure;
    }

    private GrpcCallException Classify(Exception exception, CancellationToken readToken)
    {
        if (exception is GrpcCallException call)
        {
            return call;
        }
        if (_deadline.IsCancellationRequested && !_callerToken.IsCancellationRequested && !readToken.IsCancellationRequested)
        {
            var message = $"deadline of {_timeout?.TotalMilliseconds:0} ms exceeded on {_method.Path} to {_connection.Target}";
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.DeadlineExceeded, message), GrpcFailureKind.DeadlineExceeded, message, exception);
        }
        if (exception is OperationCanceledException && (_callerToken.IsCancellationRequested || readToken.IsCancellationRequested))
        {
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Cancelled, "call cancelled by the caller"), GrpcFailureKind.Cancelled, "call cancelled by the caller", exception);
        }
        return GrpcErrors.FromTransport(exception, _connection.Target, _connection.TlsFailure);
    }

    private GrpcCallException MissingStatus()
    {
        var message = $"{_connection.Target} ended the response without grpc-status: not a gRPC server, or the call was cut off";
        return new GrpcCallException(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.NotGrpc, message);
    }
}
