using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf.WellKnownTypes;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>Accumulates what the EPP answered during one conversation.</summary>
internal sealed class ExtProcTranscript
{
    /// <summary>Header and envoy.lb key naming the picked endpoint (GIE pkg/epp/metadata/consts.go).</summary>
    public const string DestinationEndpointKey = "x-gateway-destination-endpoint";

    /// <summary>Dynamic metadata namespace carrying the picked endpoint (GIE DestinationEndpointNamespace).</summary>
    public const string DestinationEndpointNamespace = "envoy.lb";

    /// <summary>Response header GIE's EPP adds when it processed response headers (pkg/epp/handlers/response.go).</summary>
    public const string ResponseMarkerHeader = "x-went-into-resp-headers";

    /// <summary>Stands in for credential values the EPP echoes back (GIE re-sets every original request header).</summary>
    public const string Redacted = "<redacted>";

    private static readonly string[] SensitiveHeaders = ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"];

    private readonly MemoryStream _streamedBody = new();

    public List<KeyValuePair<string, string>> SetHeaders { get; } = [];
    public List<string> RemovedHeaders { get; } = [];
    public string? EndpointFromHeader { get; private set; }
    public string? EndpointFromMetadata { get; private set; }
    public Struct? DynamicMetadata { get; private set; }
    public bool ClearRouteCache { get; private set; }
    public bool RequestHeadersAnswered { get; private set; }
    public bool RequestBodyDone { get; private set; }
    public bool ResponseHeadersAnswered { get; private set; }
    public bool ResponseMarker { get; private set; }
    public int StreamedChunks { get; private set; }
    public bool StreamedEnded { get; private set; }
    public byte[]? ReplacedBody { get; private set; }
    public bool BodyCleared { get; private set; }
    public bool BodyAnsweredWithoutMutation { get; private set; }
    public ExtProcImmediateResponse? Immediate { get; private set; }
    public int Received { get; private set; }

    public byte[] StreamedBody => _streamedBody.ToArray();

    public void Apply(ProcessingResponse response)
    {
        Received++;
        if (response.DynamicMetadata is { } metadata)
        {
            DynamicMetadata = metadata;
            if (metadata.Fields.TryGetValue(DestinationEndpointNamespace, out var ns)
                && ns.StructValue?.Fields.TryGetValue(DestinationEndpointKey, out var endpoint) == true
                && endpoint.KindCase == Value.KindOneofCase.StringValue)
            {
                EndpointFromMetadata = endpoint.StringValue;
            }
        }
        switch (response.ResponseCase)
        {
            case ProcessingResponse.ResponseOneofCase.RequestHeaders:
                RequestHeadersAnswered = true;
                ApplyCommon(response.RequestHeaders.Response, request: true);
                break;
            case ProcessingResponse.ResponseOneofCase.RequestBody:
                ApplyCommon(response.RequestBody.Response, request: true);
                ApplyBody(response.RequestBody.Response?.BodyMutation);
                break;
            case ProcessingResponse.ResponseOneofCase.ResponseHeaders:
                ResponseHeadersAnswered = true;
                ApplyCommon(response.ResponseHeaders.Response, request: false);
                break;
            case ProcessingResponse.ResponseOneofCase.ImmediateResponse:
                var immediate = response.ImmediateResponse;
                Immediate = new ExtProcImmediateResponse(
                    (int)(immediate.Status?.Code ?? 0),
                    immediate.Body.ToStringUtf8(),
                    immediate.Details,
                    immediate.GrpcStatus?.Status);
                break;
            default:
                break;
        }
    }

    public ExtProcBodyOutcome BodyOutcome(ReadOnlyMemory<byte> sent)
    {
        if (sent.IsEmpty)
        {
            return ExtProcBodyOutcome.NotSent;
        }
        if (BodyCleared)
        {
            return ExtProcBodyOutcome.Cleared;
        }
        if (StreamedChunks > 0)
        {
            return StreamedEnded ? Compare(sent.Span, StreamedBody) : ExtProcBodyOutcome.Incomplete;
        }
        if (ReplacedBody is not null)
        {
            return Compare(sent.Span, ReplacedBody);
        }
        return BodyAnsweredWithoutMutation ? ExtProcBodyOutcome.Unchanged : ExtProcBodyOutcome.Missing;
    }

    private void ApplyCommon(CommonResponse? common, bool request)
    {
        if (common is null)
        {
            return;
        }
        ClearRouteCache |= common.ClearRouteCache;
        if (common.HeaderMutation is not { } mutation)
        {
            return;
        }
        foreach (var option in mutation.SetHeaders)
        {
            if (option.Header is not { } header)
            {
                continue;
            }
            var value = ExtProcMessages.ValueOf(header);
            if (!request)
            {
                ResponseMarker |= string.Equals(header.Key, ResponseMarkerHeader, StringComparison.OrdinalIgnoreCase) && value == "true";
                continue;
            }
            SetHeaders.Add(new(header.Key, IsSensitive(header.Key) ? Redacted : value));
            if (string.Equals(header.Key, DestinationEndpointKey, StringComparison.OrdinalIgnoreCase))
            {
                EndpointFromHeader = value;
            }
        }
        if (request)
        {
            RemovedHeaders.AddRange(mutation.RemoveHeaders);
        }
    }

    private void ApplyBody(BodyMutation? mutation)
    {
        switch (mutation?.MutationCase)
        {
            case BodyMutation.MutationOneofCase.StreamedResponse:
                StreamedChunks++;
                mutation.StreamedResponse.Body.WriteTo(_streamedBody);
                if (mutation.StreamedResponse.EndOfStream)
                {
                    StreamedEnded = true;
                    RequestBodyDone = true;
                }
                break;
            case BodyMutation.MutationOneofCase.Body:
                ReplacedBody = mutation.Body.ToByteArray();
                RequestBodyDone = true;
                break;
            case BodyMutation.MutationOneofCase.ClearBodyFlag:
                BodyCleared = mutation.ClearBodyFlag;
                RequestBodyDone = true;
                break;
            default:
                BodyAnsweredWithoutMutation = true;
                RequestBodyDone = true;
                break;
        }
    }

    private static bool IsSensitive(string key) => SensitiveHeaders.Contains(key, StringComparer.OrdinalIgnoreCase);

    private static ExtProcBodyOutcome Compare(ReadOnlySpan<byte> sent, byte[] returned)
    {
        if (sent.SequenceEqual(returned))
        {
            return ExtProcBodyOutcome.Identical;
        }
        try
        {
            // GIE json.Unmarshal/Marshal's the body, so key order and spacing may change: compare parsed JSON.
            var a = JsonNode.Parse(Encoding.UTF8.GetString(sent));
            var b = JsonNode.Parse(returned);
            return JsonNode.DeepEquals(a, b) ? ExtProcBodyOutcome.EquivalentJson : ExtProcBodyOutcome.Different;
        }
        catch (JsonException)
        {
            return ExtProcBodyOutcome.Different;
        }
    }
}
