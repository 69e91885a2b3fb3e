using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>
/// One bidirectional-streaming call on Grpc.Net.Client. Writes are queued and sent in order while reads
/// proceed; <see cref="CompleteRequest"/> half-closes once the queue is sent. Dispose to end the call (an
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
    // Grpc.Net.Client allows one pending write per stream; the queue keeps Write synchronous for callers
    // that, like Envoy's ext_proc filter, send without waiting for answers.
    private readonly Channel<TRequest> _outgoing = Channel.CreateUnbounded<TRequest>(new() { SingleReader = true });
    private readonly CancellationToken _callerToken;
    private readonly TimeSpan? _timeout;
    private readonly long _deadlineTimestamp;
    private readonly GrpcHttpAnswer _answer = new();
    private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call;
    private readonly Task _sending;
    private GrpcCallException? _failure;
    private int _messagesSent;

    internal GrpcDuplexCall(GrpcConnection connection, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions options, CancellationToken cancellationToken)
    {
        _connection = connection;
        _method = method;
        _timeout = options.Timeout;
        _callerToken = cancellationToken;
        _deadlineTimestamp = options.Timeout is { } t ? Stopwatch.GetTimestamp() + (long)(t.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var callOptions = new CallOptions(
            headers: options.Metadata?.ToGrpc(),
            deadline: options.Timeout is { } timeout ? DateTime.UtcNow + timeout : null,
            cancellationToken: cancellationToken);
        _call = GrpcHttpAnswer.Observe(_answer, () => connection.Invoker.AsyncDuplexStreamingCall(method.Descriptor, null, callOptions));
        _sending = SendQueuedAsync();
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
        if (!_outgoing.Writer.TryWrite(message))
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
        try
        {
            var more = await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
            TakeHeaders();
            if (more)
            {
                return _call.ResponseStream.Current;
            }
            Trailers = GrpcMetadata.FromGrpc(_call.GetTrailers(), GrpcStatusCode.Ok);
            Status = RpcStatus.Ok;
            _outgoing.Writer.TryComplete();
            return null;
        }
        catch (RpcException e)
        {
            TakeHeaders();
            Trailers = GrpcMetadata.FromGrpc(e.Trailers, (GrpcStatusCode)e.StatusCode);
            throw Fail(Classify(e, cancellationToken));
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or HttpProtocolException or IOException)
        {
            // Grpc.Net.Client wraps most transport failures in RpcException, not every one: classified the same way.
            throw Fail(Classify(e, cancellationToken));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        // Disposing an unfinished call cancels it, which resets the HTTP/2 stream.
        _call.Dispose();
        await _sending.ConfigureAwait(false);
    }

    private async Task SendQueuedAsync()
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
            }
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException or ObjectDisposedException
            or HttpRequestException or HttpProtocolException or IOException)
        {
            // The call ended under the writer (a peer that resets the HTTP/2 stream mid-write surfaces here as
            // HttpProtocolException, not RpcException); its outcome is reported by ReadAsync. Later writes are refused.
            _outgoing.Writer.TryComplete();
        }
    }

    private void TakeHeaders()
    {
        if (ResponseHeaders.Count == 0 && _call.ResponseHeadersAsync.IsCompletedSuccessfully)
        {
            ResponseHeaders = GrpcMetadata.FromGrpc(_call.ResponseHeadersAsync.Result, status: null);
        }
    }

    private GrpcCallException Fail(GrpcCallException failure)
    {
        _failure ??= failure;
        Status ??= _failure.Status;
        _outgoing.Writer.TryComplete();
        return _failure;
    }

    private GrpcCallException Classify(Exception exception, CancellationToken readToken)
    {
        var rpc = exception as RpcException;
        // Past the deadline, a transport failure (no status from the peer: the RpcException carries the transport
        // exception, or there is no RpcException) is the deadline's doing — the server honouring our grpc-timeout
        // resets the stream, or our cancellation races its answer — and is reported as the deadline. A status the peer
        // sent in its trailers stays what it is.
        var transportFailure = rpc is null || rpc.Status.DebugException is not null;
        if (rpc?.StatusCode == StatusCode.DeadlineExceeded || (transportFailure && Stopwatch.GetTimestamp() >= _deadlineTimestamp))
        {
            // Grpc.Net.Client's own timer, or a server honouring our grpc-timeout a moment before it.
            var clientSide = Stopwatch.GetTimestamp() >= _deadlineTimestamp;
            var message = clientSide
                ? $"deadline of {_timeout?.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms exceeded on {_method.Path} to {_connection.Target}"
                : $"server ended the call with {GrpcErrors.StatusOf(rpc!)}";
            return new GrpcCallException(clientSide ? new RpcStatus(GrpcStatusCode.DeadlineExceeded, message) : GrpcErrors.StatusOf(rpc!),
                GrpcFailureKind.DeadlineExceeded, message, exception);
        }
        if ((rpc is null || rpc.StatusCode == StatusCode.Cancelled) && (_callerToken.IsCancellationRequested || readToken.IsCancellationRequested))
        {
            return new GrpcCallException(new RpcStatus(GrpcStatusCode.Cancelled, "call cancelled by the caller"), GrpcFailureKind.Cancelled, "call cancelled by the caller", exception);
        }
        return GrpcErrors.FromRpc(exception, _answer, typeof(TResponse).Name, _connection);
    }
}
