using System.Diagnostics;
using Envoy.Service.ExtProc.V3;
using LlmdDoctor.Envoy.Grpc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>
/// Holds one ext_proc stream with an Endpoint Picker the way Envoy's ext_proc filter does for one request,
/// and reports what the EPP decided. Never throws for EPP or transport failures: they end up in the outcome.
/// </summary>
public sealed class ExtProcConversation(GrpcConnection connection)
{
    /// <summary><c>/envoy.service.ext_proc.v3.ExternalProcessor/Process</c>.</summary>
    public static GrpcMethod<ProcessingRequest, ProcessingResponse> ProcessMethod { get; } =
        new("envoy.service.ext_proc.v3.ExternalProcessor", "Process", ProcessingResponse.Parser);

    /// <summary>Runs the conversation for <paramref name="request"/>.</summary>
    public async Task<ExtProcOutcome> RunAsync(ExtProcProbeRequest request, ExtProcConversationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new ExtProcConversationOptions();
        if (options.BodyMode is not (BodySendMode.Buffered or BodySendMode.FullDuplexStreamed))
        {
            throw new ArgumentException($"body mode {options.BodyMode} is not supported: use Buffered or FullDuplexStreamed", nameof(options));
        }
        var clock = Stopwatch.StartNew();
        var run = new Run(request, options);
        var call = connection.StartDuplex(ProcessMethod, new GrpcCallOptions { Timeout = options.Timeout, Metadata = options.Metadata }, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            try
            {
                await run.RequestPhaseAsync(call).ConfigureAwait(false);
                run.Latency = clock.Elapsed;
                if (options.SendResponseHeaders && run.CanContinue)
                {
                    await run.ResponseHeadersPhaseAsync(call).ConfigureAwait(false);
                }
                if (run.Error is null)
                {
                    await run.CloseAsync(call).ConfigureAwait(false);
                }
            }
            catch (GrpcCallException e)
            {
                run.Failure = e;
            }
            run.Latency ??= clock.Elapsed;
            return run.ToOutcome(call, clock.Elapsed);
        }
    }

    private sealed class Run(ExtProcProbeRequest request, ExtProcConversationOptions options)
    {
        private readonly ExtProcTranscript _t = new();
        private ExtProcStage _stage = ExtProcStage.RequestHeaders;
        private bool _ended;

        public GrpcCallException? Failure { get; set; }
        public string? Error { get; private set; }
        public TimeSpan? Latency { get; set; }
        public bool CanContinue => Error is null && !_ended && _t.Immediate is null;

        private bool HasBody => !request.Body.IsEmpty;

        public async Task RequestPhaseAsync(GrpcDuplexCall<ProcessingRequest, ProcessingResponse> call)
        {
            call.Write(ExtProcMessages.RequestHeaders(request, options.BodyMode));
            if (options.BodyMode == BodySendMode.FullDuplexStreamed)
            {
                // Full duplex: Envoy streams body chunks as they arrive, without waiting for any answer.
                foreach (var chunk in ExtProcMessages.RequestBody(request.Body, options.ChunkSize))
                {
                    call.Write(chunk);
                }
                while (CanContinue && !(_t.RequestHeadersAnswered && (!HasBody || _t.RequestBodyDone)))
                {
                    _stage = _t.RequestHeadersAnswered ? ExtProcStage.RequestBody : ExtProcStage.RequestHeaders;
                    await ReadOneAsync(call, expected: null).ConfigureAwait(false);
                }
                return;
            }
            // BUFFERED (and any non-duplex mode): exactly one answer per message, and Envoy sends the
            // buffered body only after the headers answer (envoy ext_proc processor_state.cc).
            await ReadOneAsync(call, ProcessingResponse.ResponseOneofCase.RequestHeaders).ConfigureAwait(false);
            if (HasBody && CanContinue)
            {
                _stage = ExtProcStage.RequestBody;
                call.Write(ExtProcMessages.RequestBody(request.Body, request.Body.Length).Single());
                await ReadOneAsync(call, ProcessingResponse.ResponseOneofCase.RequestBody).ConfigureAwait(false);
            }
        }

        public async Task ResponseHeadersPhaseAsync(GrpcDuplexCall<ProcessingRequest, ProcessingResponse> call)
        {
            _stage = ExtProcStage.ResponseHeaders;
            call.Write(ExtProcMessages.ResponseHeaders());
            await ReadOneAsync(call, ProcessingResponse.ResponseOneofCase.ResponseHeaders).ConfigureAwait(false);
        }

        public async Task CloseAsync(GrpcDuplexCall<ProcessingRequest, ProcessingResponse> call)
        {
            _stage = ExtProcStage.Close;
            call.CompleteRequest();
            using var grace = new CancellationTokenSource(options.CloseGrace);
            try
            {
                while (!_ended && _t.Received <= options.MaxMessages)
                {
                    if (await call.ReadAsync(grace.Token).ConfigureAwait(false) is { } extra)
                    {
                        _t.Apply(extra);
                    }
                    else
                    {
                        _ended = true;
                    }
                }
            }
            catch (GrpcCallException e) when (e.Failure == GrpcFailureKind.Cancelled && grace.IsCancellationRequested)
            {
                // The EPP kept the stream open after our half-close; Envoy would simply reset it.
            }
        }

        private async Task ReadOneAsync(GrpcDuplexCall<ProcessingRequest, ProcessingResponse> call, ProcessingResponse.ResponseOneofCase? expected)
        {
            if (_t.Received >= options.MaxMessages)
            {
                Error = $"EPP sent more than {options.MaxMessages} messages without finishing the request";
                return;
            }
            var response = await call.ReadAsync().ConfigureAwait(false);
            if (response is null)
            {
                _ended = true;
                Error = $"EPP closed the stream (OK) while Envoy was {Waiting(_stage)}";
                return;
            }
            _t.Apply(response);
            if (expected is { } kind && response.ResponseCase != kind && response.ResponseCase != ProcessingResponse.ResponseOneofCase.ImmediateResponse)
            {
                Error = $"EPP answered {response.ResponseCase} while Envoy was {Waiting(_stage)} in {options.BodyMode} mode (Envoy counts this as a spurious message and fails the stream)";
            }
        }

        public ExtProcOutcome ToOutcome(GrpcDuplexCall<ProcessingRequest, ProcessingResponse> call, TimeSpan elapsed)
        {
            var body = _t.BodyOutcome(request.Body);
            var picked = _t.EndpointFromHeader ?? _t.EndpointFromMetadata;
            var error = Failure is { } f ? $"ext_proc stream failed while Envoy was {Waiting(_stage)}: {f.Message}{Hint(f)}"
                : Error
                ?? (_t.Immediate is { } im ? $"EPP answered ImmediateResponse {im.StatusCode}: {Shorten(im.Body)}" : null)
                ?? (picked is null ? "EPP finished without picking an endpoint (no x-gateway-destination-endpoint header mutation or envoy.lb metadata)" : null)
                ?? (_t.EndpointFromHeader is { } h && _t.EndpointFromMetadata is { } m && h != m ? $"EPP named two endpoints: header {h}, envoy.lb metadata {m}" : null)
                ?? BodyError(body)
                ?? (options.SendResponseHeaders && !_t.ResponseMarker ? $"EPP answered response_headers without {ExtProcTranscript.ResponseMarkerHeader}: true" : null);
            return new ExtProcOutcome
            {
                Mode = options.BodyMode,
                Succeeded = error is null,
                PickedEndpoint = picked,
                EndpointFromHeader = _t.EndpointFromHeader,
                EndpointFromMetadata = _t.EndpointFromMetadata,
                ClearRouteCache = _t.ClearRouteCache,
                SetHeaders = _t.SetHeaders,
                RemovedHeaders = _t.RemovedHeaders,
                DynamicMetadata = _t.DynamicMetadata,
                Body = body,
                ReturnedBody = _t.StreamedChunks > 0 ? _t.StreamedBody : _t.ReplacedBody ?? ReadOnlyMemory<byte>.Empty,
                ReturnedBodyChunks = _t.StreamedChunks,
                ImmediateResponse = _t.Immediate,
                ResponseHeadersMarked = options.SendResponseHeaders && _t.ResponseHeadersAnswered ? _t.ResponseMarker : null,
                GrpcStatus = Failure?.Status ?? call.Status,
                Failure = Failure?.Failure ?? GrpcFailureKind.None,
                FailedStage = error is null ? null : _stage,
                Latency = Latency ?? elapsed,
                Elapsed = elapsed,
                MessagesSent = call.MessagesSent,
                MessagesReceived = _t.Received,
                Error = error,
            };
        }

        private string Hint(GrpcCallException failure) =>
            failure.Failure == GrpcFailureKind.DeadlineExceeded && _stage == ExtProcStage.RequestHeaders && HasBody && options.BodyMode == BodySendMode.Buffered
                ? " (an EPP that only implements FULL_DUPLEX_STREAMED, like GIE since v0.4, answers request_headers only after the whole body, which BUFFERED Envoy sends only after that answer)"
                : "";

        private static string? BodyError(ExtProcBodyOutcome body) => body switch
        {
            ExtProcBodyOutcome.Missing => "EPP never returned the request body: Envoy would forward an empty body upstream",
            ExtProcBodyOutcome.Incomplete => "EPP streamed the body back without the final end_of_stream chunk",
            ExtProcBodyOutcome.Different => "EPP returned a different request body",
            ExtProcBodyOutcome.Cleared => "EPP cleared the request body",
            _ => null,
        };

        private static string Waiting(ExtProcStage stage) => stage switch
        {
            ExtProcStage.RequestHeaders => "waiting for the request_headers answer",
            ExtProcStage.RequestBody => "waiting for the request_body answer",
            ExtProcStage.ResponseHeaders => "waiting for the response_headers answer",
            _ => "closing the stream",
        };

        private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
    }
}
