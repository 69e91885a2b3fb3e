using System.Globalization;
using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>Builds the ProcessingRequests Envoy's ext_proc filter would send for a request.</summary>
public static class ExtProcMessages
{
    /// <summary>request_headers, with pseudo-headers first and every value in raw_value (as Envoy sends them since envoy #35388).</summary>
    public static ProcessingRequest RequestHeaders(ExtProcProbeRequest request, BodySendMode mode)
    {
        var hasBody = !request.Body.IsEmpty;
        var map = new HeaderMap();
        Add(map, ":authority", request.Authority);
        Add(map, ":path", request.Path);
        Add(map, ":method", request.Method);
        Add(map, ":scheme", request.Scheme);
        foreach (var (key, value) in request.Headers)
        {
            Add(map, key.ToLowerInvariant(), value);
        }
        if (hasBody && !Has(request, "content-type"))
        {
            Add(map, "content-type", "application/json");
        }
        if (hasBody && !Has(request, "content-length"))
        {
            Add(map, "content-length", request.Body.Length.ToString(CultureInfo.InvariantCulture));
        }
        if (!Has(request, "x-request-id"))
        {
            Add(map, "x-request-id", Guid.NewGuid().ToString());
        }
        return new ProcessingRequest
        {
            RequestHeaders = new HttpHeaders { Headers = map, EndOfStream = !hasBody },
            // Envoy sends the protocol configuration on the first message of a stream only.
            ProtocolConfig = new ProtocolConfiguration { RequestBodyMode = mode, ResponseBodyMode = BodySendMode.None },
        };
    }

    /// <summary>The body as request_body messages of at most <paramref name="chunkSize"/> bytes; end_of_stream on the last.</summary>
    public static IEnumerable<ProcessingRequest> RequestBody(ReadOnlyMemory<byte> body, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - offset);
            yield return new ProcessingRequest
            {
                RequestBody = new HttpBody
                {
                    Body = ByteString.CopyFrom(body.Span.Slice(offset, length)),
                    EndOfStream = offset + length == body.Length,
                },
            };
        }
    }

    /// <summary>response_headers for an upstream 200 JSON answer without body.</summary>
    public static ProcessingRequest ResponseHeaders()
    {
        var map = new HeaderMap();
        Add(map, ":status", "200");
        Add(map, "content-type", "application/json");
        return new ProcessingRequest { ResponseHeaders = new HttpHeaders { Headers = map, EndOfStream = true } };
    }

    /// <summary>A header value as Envoy would read it: raw_value when set, else value.</summary>
    public static string ValueOf(HeaderValue header) =>
        header.RawValue.IsEmpty ? header.Value : Encoding.UTF8.GetString(header.RawValue.Span);

    private static void Add(HeaderMap map, string key, string value) =>
        map.Headers.Add(new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(value) });

    private static bool Has(ExtProcProbeRequest request, string key) =>
        request.Headers.Any(h => string.Equals(h.Key, key, StringComparison.OrdinalIgnoreCase));
}
