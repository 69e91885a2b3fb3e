using Google.Protobuf.WellKnownTypes;
using LlmdDoctor.Envoy.Grpc;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>Where in the conversation it stopped.</summary>
public enum ExtProcStage
{
    /// <summary>Waiting for the answer to request_headers.</summary>
    RequestHeaders,
    /// <summary>Waiting for the answer(s) to request_body.</summary>
    RequestBody,
    /// <summary>Waiting for the answer to response_headers.</summary>
    ResponseHeaders,
    /// <summary>After half-close, waiting for the stream's status.</summary>
    Close,
}

/// <summary>What became of the request body the conversation sent.</summary>
public enum ExtProcBodyOutcome
{
    /// <summary>The request had no body.</summary>
    NotSent,
    /// <summary>Returned byte for byte.</summary>
    Identical,
    /// <summary>Returned re-marshalled: different bytes, same JSON (GIE re-marshals the body).</summary>
    EquivalentJson,
    /// <summary>BUFFERED: the body response carried no mutation, so Envoy forwards its own copy.</summary>
    Unchanged,
    /// <summary>Returned with different content.</summary>
    Different,
    /// <summary>The EPP told Envoy to clear the body.</summary>
    Cleared,
    /// <summary>Streamed body chunks came back without the final end_of_stream.</summary>
    Incomplete,
    /// <summary>No body came back: in FULL_DUPLEX_STREAMED Envoy would forward an empty body upstream.</summary>
    Missing,
}

/// <summary>An ImmediateResponse from the EPP (it answers the client itself instead of routing).</summary>
/// <param name="StatusCode">HTTP status (e.g. 503).</param>
/// <param name="Body">Body text, e.g. "inference gateway: ServiceUnavailable - failed to find candidate pods ...".</param>
/// <param name="Details">The details field (Envoy logs it).</param>
/// <param name="GrpcStatus">grpc_status, when set.</param>
public sealed record ExtProcImmediateResponse(int StatusCode, string Body, string Details, uint? GrpcStatus);

/// <summary>Everything one ext_proc conversation showed about the Endpoint Picker.</summary>
public sealed record ExtProcOutcome
{
    /// <summary>Body mode the conversation used.</summary>
    public BodySendMode Mode { get; init; }

    /// <summary>True when an endpoint was picked, nothing failed and the body (if any) came back intact.</summary>
    public bool Succeeded { get; init; }

    /// <summary>Endpoint from the header mutation, else from <c>envoy.lb</c> dynamic metadata.</summary>
    public string? PickedEndpoint { get; init; }

    /// <summary>Value of the <c>x-gateway-destination-endpoint</c> header mutation.</summary>
    public string? EndpointFromHeader { get; init; }

    /// <summary>Value of <c>dynamic_metadata["envoy.lb"]["x-gateway-destination-endpoint"]</c>.</summary>
    public string? EndpointFromMetadata { get; init; }

    /// <summary>Whether any answer asked Envoy to clear the route cache.</summary>
    public bool ClearRouteCache { get; init; }

    /// <summary>Headers the EPP set on the request (raw_value preferred, as Envoy does); credential values are redacted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SetHeaders { get; init; } = [];

    /// <summary>Headers the EPP removed from the request.</summary>
    public IReadOnlyList<string> RemovedHeaders { get; init; } = [];

    /// <summary>Last dynamic metadata the EPP sent, if any.</summary>
    public Struct? DynamicMetadata { get; init; }

    /// <summary>What became of the request body.</summary>
    public ExtProcBodyOutcome Body { get; init; }

    /// <summary>The body as it came back (streamed chunks reassembled, or the replacement body).</summary>
    public ReadOnlyMemory<byte> ReturnedBody { get; init; }

    /// <summary>Number of streamed_response chunks received.</summary>
    public int ReturnedBodyChunks { get; init; }

    /// <summary>The EPP's ImmediateResponse, if it sent one.</summary>
    public ExtProcImmediateResponse? ImmediateResponse { get; init; }

    /// <summary>Whether the EPP added <c>x-went-into-resp-headers: true</c>; null when response headers were not sent or not answered.</summary>
    public bool? ResponseHeadersMarked { get; init; }

    /// <summary>Final gRPC status of the stream; null when the conversation ended before the status was seen.</summary>
    public RpcStatus? GrpcStatus { get; init; }

    /// <summary>Transport-level cause when the stream failed.</summary>
    public GrpcFailureKind Failure { get; init; }

    /// <summary>Stage at which the conversation failed; null when it succeeded.</summary>
    public ExtProcStage? FailedStage { get; init; }

    /// <summary>Time from start until the request phase was answered (the routing decision), or until failure.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Time for the whole conversation including close.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>ProcessingRequests sent.</summary>
    public int MessagesSent { get; init; }

    /// <summary>ProcessingResponses received.</summary>
    public int MessagesReceived { get; init; }

    /// <summary>Short human-readable reason when <see cref="Succeeded"/> is false.</summary>
    public string? Error { get; init; }
}
