using System.Globalization;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;
using CoreModes = LlmdDoctor.Core.Envoy;
using ProtoMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>The downstream request as Envoy's ext_proc filter sees it (before the router's URL rewrite).</summary>
internal sealed record DownstreamRequest(string Method, string Path, string Authority, string Scheme,
    IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>What the request phase of an ext_proc stream decided.</summary>
internal sealed class ExtProcDecision
{
    /// <summary>Why the stream failed (TLS, reset, message timeout, spurious message); null when it did not.</summary>
    public string? Failure { get; set; }

    /// <summary>The failure was the per-message timer (<c>message_timeout</c>) running out, not a gRPC error.</summary>
    public bool TimedOut { get; set; }

    /// <summary>
    /// The server ended the stream with OK before answering: Envoy treats that as a successful close and continues
    /// the request without the processor whatever <c>failure_mode_allow</c> says (ext_proc.cc <c>onGrpcClose</c>).
    /// </summary>
    public bool ClosedByServer { get; set; }

    public ExtProcImmediateResponse? Immediate { get; set; }

    /// <summary>From the <c>x-gateway-destination-endpoint</c> header mutation, else <c>envoy.lb</c> metadata.</summary>
    public string? Endpoint { get; set; }

    public List<KeyValuePair<string, string>> SetHeaders { get; } = [];

    public List<string> RemoveHeaders { get; } = [];

    /// <summary>The body Envoy forwards: streamed back (FULL_DUPLEX_STREAMED), replaced, or null = Envoy's own buffered copy.</summary>
    public byte[]? Body { get; set; }
}

/// <summary>How one route's ext_proc stream is held and counted.</summary>
/// <param name="Mode">The effective processing mode of the route.</param>
/// <param name="FailOpen">The effective <c>failure_mode_allow</c>.</param>
/// <param name="MessageTimeout">The filter's <c>message_timeout</c> (Istio's base filter: 1000 s; Envoy's default 200 ms).</param>
/// <param name="Counters">Where the filter's stats are counted.</param>
/// <param name="StatPrefix"><c>http.&lt;HCM stat_prefix&gt;.ext_proc.</c></param>
internal sealed record ExtProcSettings(CoreModes.ProcessingMode Mode, bool FailOpen, TimeSpan MessageTimeout, EndpointPickerCounters Counters, string StatPrefix);

/// <summary>
/// The client side of one ext_proc stream, held the way Envoy's ext_proc filter holds it for a request on a
/// route with the given processing mode (envoy <c>source/extensions/filters/http/ext_proc/ext_proc.cc</c>,
/// <c>client_impl.cc</c>; processing_mode.proto; domain-facts §1–§2, §9):
/// FULL_DUPLEX_STREAMED sends headers and every body chunk without waiting and forwards only the body the server
/// streams back; BUFFERED holds the body until the request-headers response arrives ("Header processing still in
/// progress -- holding body data") and keeps its own copy. Every wait for a response runs Envoy's per-message timer
/// (<c>message_timeout</c>); the stream itself has no deadline (the client starts it without a timeout, so the
/// grpc_service <c>timeout</c> does not bound it). Counts streams_started, stream_msgs_sent, stream_msgs_received,
/// spurious_msgs_received, streams_closed, streams_failed, failure_mode_allowed and message_timeouts where
/// ext_proc.cc counts them.
/// </summary>
internal sealed class GatewayExtProc(GrpcConnection connection, ExtProcSettings settings) : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;
    private readonly CoreModes.ProcessingMode _mode = settings.Mode;
    private GrpcDuplexCall<ProcessingRequest, ProcessingResponse>? _call;
    private bool _broken;
    private bool _closed;

    public async Task<ExtProcDecision> RequestPhaseAsync(DownstreamRequest request, CancellationToken cancellationToken)
    {
        var decision = new ExtProcDecision();
        var hasBody = request.Body.Length > 0;
        var sendBody = hasBody && _mode.RequestBody != CoreModes.BodySendMode.None;
        var duplex = _mode.RequestBody == CoreModes.BodySendMode.FullDuplexStreamed;
        _call = connection.StartDuplex(ExtProcConversation.ProcessMethod, new GrpcCallOptions(), cancellationToken);
        Count("streams_started");
        try
        {
            Send(Headers(request, hasBody));
            if (sendBody && duplex)
            {
                foreach (var chunk in ExtProcMessages.RequestBody(request.Body, ChunkSize))
                {
                    Send(chunk);
                }
            }

            var headersAnswered = false;
            var bodyDone = !sendBody;
            var bodyWritten = sendBody && duplex;
            using var streamed = new MemoryStream();
            while (!(headersAnswered && bodyDone))
            {
                var response = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (response is null)
                {
                    Closed();
                    decision.ClosedByServer = true;
                    return Fail(decision, $"the ext_proc server closed the stream ({_call.Status}) before answering the request");
                }

                Metadata(decision, response);
                switch (response.ResponseCase)
                {
                    case ProcessingResponse.ResponseOneofCase.ImmediateResponse:
                        var immediate = response.ImmediateResponse;
                        decision.Immediate = new ExtProcImmediateResponse((int)(immediate.Status?.Code ?? 0), immediate.Body.ToStringUtf8(), immediate.Details, immediate.GrpcStatus?.Status);
                        foreach (var h in immediate.Headers?.SetHeaders ?? [])
                        {
                            decision.SetHeaders.Add(new(h.Header.Key, ExtProcMessages.ValueOf(h.Header)));
                        }

                        _broken = true;
                        return decision;
                    case ProcessingResponse.ResponseOneofCase.RequestHeaders when !headersAnswered:
                        headersAnswered = true;
                        Apply(decision, response.RequestHeaders.Response, streamed, ref bodyDone);
                        if (sendBody && !bodyWritten)
                        {
                            // BUFFERED: the whole body goes in one message, only after the headers answer.
                            Send(ExtProcMessages.RequestBody(request.Body, request.Body.Length).Single());
                            bodyWritten = true;
                        }

                        break;
                    case ProcessingResponse.ResponseOneofCase.RequestBody when headersAnswered || duplex:
                        if (!Apply(decision, response.RequestBody.Response, streamed, ref bodyDone) && !duplex)
                        {
                            bodyDone = true;
                        }

                        break;
                    default:
                        Count("spurious_msgs_received");
                        return Fail(decision, $"spurious message {response.ResponseCase} from the ext_proc server");
                }
            }

            if (duplex && sendBody)
            {
                decision.Body = streamed.ToArray();
            }

            decision.Endpoint ??= decision.SetHeaders.FindLast(h => h.Key.Equals(Simulator.EndpointPicker.SimulatedEndpointPicker.DestinationHeader, StringComparison.OrdinalIgnoreCase)).Value;
            return decision;
        }
        catch (MessageTimeoutException)
        {
            decision.TimedOut = true;
            return Fail(decision, $"no answer within message_timeout {settings.MessageTimeout.TotalSeconds:0.###}s");
        }
        catch (GrpcCallException e)
        {
            StreamFailed();
            return Fail(decision, e.Message);
        }
    }

    /// <summary>
    /// Sends response_headers (when the mode asks for them) and returns the header mutations to apply to the
    /// downstream response. Response bodies are not sent to the server (see the README: approximated).
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ResponseHeadersAsync(int status, string? contentType, CancellationToken cancellationToken)
    {
        if (_call is null || _broken || _mode.ResponseHeader == CoreModes.HeaderSendMode.Skip)
        {
            return [];
        }

        var map = new HeaderMap();
        map.Headers.Add(new HeaderValue { Key = ":status", RawValue = ByteString.CopyFromUtf8(status.ToString(CultureInfo.InvariantCulture)) });
        if (contentType is not null)
        {
            map.Headers.Add(new HeaderValue { Key = "content-type", RawValue = ByteString.CopyFromUtf8(contentType) });
        }

        try
        {
            Send(new ProcessingRequest { ResponseHeaders = new HttpHeaders { Headers = map, EndOfStream = false } });
            var response = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (response?.ResponseCase != ProcessingResponse.ResponseOneofCase.ResponseHeaders)
            {
                return [];
            }

            return [.. (response.ResponseHeaders.Response?.HeaderMutation?.SetHeaders ?? []).Select(h => new KeyValuePair<string, string>(h.Header.Key, ExtProcMessages.ValueOf(h.Header)))];
        }
        catch (MessageTimeoutException)
        {
            // A timeout after the upstream answered: fail-open keeps the answer as it is (fail-closed would replace it
            // with a local reply; not simulated, see the README).
            return [];
        }
        catch (GrpcCallException)
        {
            // A failure after the upstream answered: Envoy (fail-open) keeps the answer as it is.
            StreamFailed();
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_call is { } call)
        {
            // Filter::onDestroy → closeStream: counts a close of a stream still open.
            Closed();
            call.CompleteRequest();
            await call.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Count(string counter) => settings.Counters.Count(settings.StatPrefix + counter);

    private void Send(ProcessingRequest message)
    {
        if (_call!.Write(message))
        {
            Count("stream_msgs_sent");
        }
    }

    /// <summary>The next response, within the per-message timer (ext_proc.cc <c>onStartProcessorCall</c> / <c>onMessageTimeout</c>).</summary>
    private async Task<ProcessingResponse?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(settings.MessageTimeout);
        try
        {
            var response = await _call!.ReadAsync(timer.Token).ConfigureAwait(false);
            if (response is not null)
            {
                Count("stream_msgs_received");
            }

            return response;
        }
        catch (GrpcCallException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // onMessageTimeout: message_timeouts, closeStream (streams_closed), and failure_mode_allowed when fail-open.
            Count("message_timeouts");
            Closed();
            if (settings.FailOpen)
            {
                Count("failure_mode_allowed");
            }

            throw new MessageTimeoutException();
        }
    }

    /// <summary>onGrpcError: streams_failed; fail-open treats it as a close (streams_closed, failure_mode_allowed).</summary>
    private void StreamFailed()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Count("streams_failed");
        if (settings.FailOpen)
        {
            Count("streams_closed");
            Count("failure_mode_allowed");
        }
    }

    private void Closed()
    {
        if (!_closed)
        {
            _closed = true;
            Count("streams_closed");
        }
    }

    private sealed class MessageTimeoutException : Exception;

    private ExtProcDecision Fail(ExtProcDecision decision, string reason)
    {
        _broken = true;
        decision.Failure = reason;
        return decision;
    }

    private ProcessingRequest Headers(DownstreamRequest request, bool hasBody)
    {
        var map = new HeaderMap();
        void Add(string key, string value) => map.Headers.Add(new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(value) });
        Add(":authority", request.Authority);
        Add(":path", request.Path);
        Add(":method", request.Method);
        Add(":scheme", request.Scheme);
        foreach (var (key, value) in request.Headers)
        {
            Add(key.ToLowerInvariant(), value);
        }

        return new ProcessingRequest
        {
            RequestHeaders = new HttpHeaders { Headers = map, EndOfStream = !hasBody },
            ProtocolConfig = new ProtocolConfiguration
            {
                RequestBodyMode = (ProtoMode.BodySendMode)(int)_mode.RequestBody,
                ResponseBodyMode = (ProtoMode.BodySendMode)(int)_mode.ResponseBody,
            },
        };
    }

    private static void Metadata(ExtProcDecision decision, ProcessingResponse response)
    {
        if (response.DynamicMetadata?.Fields.TryGetValue(Simulator.EndpointPicker.SimulatedEndpointPicker.DestinationNamespace, out var lb) == true
            && lb.StructValue?.Fields.TryGetValue(Simulator.EndpointPicker.SimulatedEndpointPicker.DestinationHeader, out var endpoint) == true
            && endpoint.StringValue is { Length: > 0 } value)
        {
            decision.Endpoint = value;
        }
    }

    /// <summary>Applies a CommonResponse; returns whether it carried a body mutation.</summary>
    private static bool Apply(ExtProcDecision decision, CommonResponse? common, MemoryStream streamed, ref bool bodyDone)
    {
        if (common is null)
        {
            return false;
        }

        foreach (var h in common.HeaderMutation?.SetHeaders ?? [])
        {
            decision.SetHeaders.Add(new(h.Header.Key, ExtProcMessages.ValueOf(h.Header)));
        }

        decision.RemoveHeaders.AddRange(common.HeaderMutation?.RemoveHeaders ?? []);
        switch (common.BodyMutation?.MutationCase)
        {
            case BodyMutation.MutationOneofCase.StreamedResponse:
                streamed.Write(common.BodyMutation.StreamedResponse.Body.Span);
                bodyDone |= common.BodyMutation.StreamedResponse.EndOfStream;
                return true;
            case BodyMutation.MutationOneofCase.Body:
                decision.Body = common.BodyMutation.Body.ToByteArray();
                bodyDone = true;
                return true;
            case BodyMutation.MutationOneofCase.ClearBodyFlag:
                decision.Body = [];
                bodyDone = true;
                return true;
            default:
                return false;
        }
    }
}
