using System.Text;
using System.Text.Json.Nodes;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Envoy.Type.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using static Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types;
using ProcessingMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>
/// Wire compatibility of protos/ with independently written protos (tests/interop/protos) through the
/// Python protobuf runtime: C# encodes → Python decodes (compared as JSON), and Python encodes → C# decodes.
/// </summary>
public class CrossEncodingTests
{
    private const string ShedMessage = "inference gateway: TooManyRequests - failed to find target pod";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    // Python prints bytes fields as base64; expected JSON below holds them as text for readability.
    private static JsonNode? DecodeBytesFields(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    obj[key] = key is "raw_value" or "body" && value is JsonValue v && v.TryGetValue<string>(out var b64)
                        ? JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(b64)))
                        : DecodeBytesFields(value?.DeepClone());
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = DecodeBytesFields(array[i]?.DeepClone());
                }
                return array;
            default:
                return node;
        }
    }

    // Request lines hold %B64:text% where Python expects base64 bytes.
    private static string WithBase64(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, "%B64:(.*?)%", m => B64(m.Groups[1].Value == "Msg" ? ShedMessage : m.Groups[1].Value));

    private static HeaderValue Raw(string key, string value) => new() { Key = key, RawValue = ByteString.CopyFromUtf8(value) };

    private static Struct EnvoyLb(string endpoint) => new()
    {
        Fields = { ["envoy.lb"] = Value.ForStruct(new Struct { Fields = { ["x-gateway-destination-endpoint"] = Value.ForString(endpoint) } }) },
    };

    public static IEnumerable<(string Type, IMessage Message, string Json)> CSharpCases()
    {
        yield return ("envoy.service.ext_proc.v3.ProcessingRequest", new ProcessingRequest
        {
            RequestHeaders = new HttpHeaders { Headers = new HeaderMap { Headers = { Raw(":method", "POST"), new HeaderValue { Key = "x-custom", Value = "legacy-value" } } } },
            MetadataContext = new Metadata
            {
                FilterMetadata =
                {
                    ["envoy.lb.subset_hint"] = new Struct { Fields = { ["x-gateway-destination-endpoint-subset"] = Value.ForList(Value.ForString("10.0.0.1:8000"), Value.ForString("10.0.0.2:8000")) } },
                },
            },
            ObservabilityMode = true,
            ProtocolConfig = new ProtocolConfiguration { RequestBodyMode = BodySendMode.FullDuplexStreamed, ResponseBodyMode = BodySendMode.Streamed, SendBodyWithoutWaitingForHeaderResponse = true },
        }, """
        {"request_headers":{"headers":{"headers":[{"key":":method","raw_value":"POST"},{"key":"x-custom","value":"legacy-value"}]}},
         "metadata_context":{"filter_metadata":{"envoy.lb.subset_hint":{"x-gateway-destination-endpoint-subset":["10.0.0.1:8000","10.0.0.2:8000"]}}},
         "observability_mode":true,
         "protocol_config":{"request_body_mode":4,"response_body_mode":1,"send_body_without_waiting_for_header_response":true}}
        """);

        yield return ("envoy.service.ext_proc.v3.ProcessingRequest", new ProcessingRequest
        {
            RequestBody = new HttpBody { Body = ByteString.CopyFromUtf8("{\"model\":\"m\"}"), EndOfStream = true },
        }, """{"request_body":{"body":"{\"model\":\"m\"}","end_of_stream":true}}""");

        yield return ("envoy.service.ext_proc.v3.ProcessingRequest", new ProcessingRequest
        {
            ResponseHeaders = new HttpHeaders { Headers = new HeaderMap { Headers = { Raw(":status", "200") } }, EndOfStream = true },
        }, """{"response_headers":{"headers":{"headers":[{"key":":status","raw_value":"200"}]},"end_of_stream":true}}""");

        yield return ("envoy.service.ext_proc.v3.ProcessingResponse", new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse
            {
                Response = new CommonResponse
                {
                    Status = CommonResponse.Types.ResponseStatus.ContinueAndReplace,
                    HeaderMutation = new HeaderMutation
                    {
                        SetHeaders = { new HeaderValueOption { Header = Raw("x-gateway-destination-endpoint", "10.0.0.7:8000"), AppendAction = HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd, KeepEmptyValue = true } },
                        RemoveHeaders = { "x-drop" },
                    },
                    ClearRouteCache = true,
                },
            },
            DynamicMetadata = EnvoyLb("10.0.0.7:8000"),
            ModeOverride = new ProcessingMode { RequestBodyMode = BodySendMode.Buffered, ResponseHeaderMode = HeaderSendMode.Skip },
        }, """
        {"request_headers":{"response":{"status":1,"clear_route_cache":true,"header_mutation":{
            "set_headers":[{"header":{"key":"x-gateway-destination-endpoint","raw_value":"10.0.0.7:8000"},"append_action":2,"keep_empty_value":true}],
            "remove_headers":["x-drop"]}}},
         "dynamic_metadata":{"envoy.lb":{"x-gateway-destination-endpoint":"10.0.0.7:8000"}},
         "mode_override":{"request_body_mode":2,"response_header_mode":2}}
        """);

        yield return ("envoy.service.ext_proc.v3.ProcessingResponse", new ProcessingResponse
        {
            RequestBody = new BodyResponse { Response = new CommonResponse { BodyMutation = new BodyMutation { StreamedResponse = new StreamedBodyResponse { Body = ByteString.CopyFromUtf8("chunk"), EndOfStream = true } } } },
        }, """{"request_body":{"response":{"body_mutation":{"streamed_response":{"body":"chunk","end_of_stream":true}}}}}""");

        yield return ("envoy.service.ext_proc.v3.ProcessingResponse", new ProcessingResponse
        {
            RequestBody = new BodyResponse { Response = new CommonResponse { BodyMutation = new BodyMutation { ClearBodyFlag = true } } },
        }, """{"request_body":{"response":{"body_mutation":{"clear_body":true}}}}""");

        yield return ("envoy.service.ext_proc.v3.ProcessingResponse", new ProcessingResponse
        {
            ResponseHeaders = new HeadersResponse { Response = new CommonResponse { HeaderMutation = new HeaderMutation { SetHeaders = { new HeaderValueOption { Header = Raw("x-went-into-resp-headers", "true") } } } } },
        }, """{"response_headers":{"response":{"header_mutation":{"set_headers":[{"header":{"key":"x-went-into-resp-headers","raw_value":"true"}}]}}}}""");

        const string Msg = "inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request";
        yield return ("envoy.service.ext_proc.v3.ProcessingResponse", new ProcessingResponse
        {
            ImmediateResponse = new ImmediateResponse
            {
                Status = new HttpStatus { Code = StatusCode.ServiceUnavailable },
                Headers = new HeaderMutation { SetHeaders = { new HeaderValueOption { Header = Raw("x-reason", "no-pods") } } },
                Body = ByteString.CopyFromUtf8(Msg),
                GrpcStatus = new GrpcStatus { Status = 14 },
                Details = "epp_error",
            },
        }, """
        {"immediate_response":{"status":{"code":503},"headers":{"set_headers":[{"header":{"key":"x-reason","raw_value":"no-pods"}}]},
         "body":"inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request","grpc_status":{"status":14},"details":"epp_error"}}
        """);

        yield return ("grpc.health.v1.HealthCheckResponse", new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.NotServing }, """{"status":2}""");
        yield return ("grpc.health.v1.HealthCheckRequest", new HealthCheckRequest { Service = "readiness" }, """{"service":"readiness"}""");
    }

    [Fact]
    public async Task CSharp_encoded_messages_decode_field_by_field_in_python()
    {
        var cases = CSharpCases().ToList();
        var output = await PythonInterop.RunBatchAsync("codec.py",
            cases.Select(c => $"decode {c.Type} {Convert.ToBase64String(c.Message.ToByteArray())}"), TimeSpan.FromSeconds(30));
        Assert.Equal(cases.Count, output.Length);
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.True(output[i].StartsWith("OK ", StringComparison.Ordinal), $"case {i}: {output[i]}");
            var actual = DecodeBytesFields(JsonNode.Parse(output[i][3..]));
            var expected = JsonNode.Parse(cases[i].Json);
            Assert.True(JsonNode.DeepEquals(expected, actual), $"case {i} ({cases[i].Type}):\nexpected {expected!.ToJsonString()}\nactual   {actual!.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Python_encoded_messages_decode_in_csharp()
    {
        const string Msg = ShedMessage;
        string[] requests =
        [
            """encode envoy.service.ext_proc.v3.ProcessingResponse {"request_headers":{"response":{"clear_route_cache":true,"header_mutation":{"set_headers":[{"header":{"key":"x-gateway-destination-endpoint","raw_value":"%B64:10.0.0.9:8000%"}}]}}},"dynamic_metadata":{"envoy.lb":{"x-gateway-destination-endpoint":"10.0.0.9:8000"}}}""",
            """encode envoy.service.ext_proc.v3.ProcessingResponse {"immediate_response":{"status":{"code":"TooManyRequests"},"body":"%B64:Msg%","details":"shed","grpc_status":{"status":8}}}""",
            """encode envoy.service.ext_proc.v3.ProcessingResponse {"request_body":{"response":{"body_mutation":{"streamed_response":{"body":"%B64:abc%","end_of_stream":true}}}}}""",
            """encode envoy.service.ext_proc.v3.ProcessingRequest {"request_headers":{"headers":{"headers":[{"key":":path","raw_value":"%B64:/v1/completions%"}]},"end_of_stream":true},"protocol_config":{"request_body_mode":"FULL_DUPLEX_STREAMED"}}""",
            """encode grpc.health.v1.HealthCheckResponse {"status":"SERVING"}""",
            """encode envoy.service.ext_proc.v3.ProcessingResponse {"request_body":{"response":{"body_mutation":{"clear_body":true}}}}""",
        ];
        var output = await PythonInterop.RunBatchAsync("codec.py", requests.Select(WithBase64), TimeSpan.FromSeconds(30));
        Assert.Equal(requests.Length, output.Length);
        Assert.All(output, line => Assert.StartsWith("OK ", line));
        var bytes = output.Select(line => Convert.FromBase64String(line[3..])).ToArray();

        var picked = ProcessingResponse.Parser.ParseFrom(bytes[0]);
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, picked.ResponseCase);
        Assert.True(picked.RequestHeaders.Response.ClearRouteCache);
        var header = Assert.Single(picked.RequestHeaders.Response.HeaderMutation.SetHeaders).Header;
        Assert.Equal(("x-gateway-destination-endpoint", "10.0.0.9:8000", ""), (header.Key, header.RawValue.ToStringUtf8(), header.Value));
        Assert.Equal("10.0.0.9:8000", picked.DynamicMetadata.Fields["envoy.lb"].StructValue.Fields["x-gateway-destination-endpoint"].StringValue);

        var shed = ProcessingResponse.Parser.ParseFrom(bytes[1]);
        Assert.Equal(StatusCode.TooManyRequests, shed.ImmediateResponse.Status.Code);
        Assert.Equal(429, (int)shed.ImmediateResponse.Status.Code);
        Assert.Equal(Msg, shed.ImmediateResponse.Body.ToStringUtf8());
        Assert.Equal(("shed", 8u), (shed.ImmediateResponse.Details, shed.ImmediateResponse.GrpcStatus.Status));

        var streamed = ProcessingResponse.Parser.ParseFrom(bytes[2]).RequestBody.Response.BodyMutation;
        Assert.Equal(BodyMutation.MutationOneofCase.StreamedResponse, streamed.MutationCase);
        Assert.Equal(("abc", true), (streamed.StreamedResponse.Body.ToStringUtf8(), streamed.StreamedResponse.EndOfStream));

        var request = ProcessingRequest.Parser.ParseFrom(bytes[3]);
        Assert.True(request.RequestHeaders.EndOfStream);
        Assert.Equal("/v1/completions", request.RequestHeaders.Headers.Headers.Single(h => h.Key == ":path").RawValue.ToStringUtf8());
        Assert.Equal(BodySendMode.FullDuplexStreamed, request.ProtocolConfig.RequestBodyMode);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(bytes[4]).Status);

        var cleared = ProcessingResponse.Parser.ParseFrom(bytes[5]).RequestBody.Response.BodyMutation;
        Assert.Equal(BodyMutation.MutationOneofCase.ClearBodyFlag, cleared.MutationCase);
        Assert.True(cleared.ClearBodyFlag);

        // Messages without maps have one canonical encoding: C# must re-encode Python's bytes exactly.
        foreach (var i in new[] { 1, 2, 3, 5 })
        {
            var parser = i == 3 ? (MessageParser)ProcessingRequest.Parser : ProcessingResponse.Parser;
            Assert.Equal(bytes[i], parser.ParseFrom(bytes[i]).ToByteArray());
        }
        Assert.Equal(bytes[4], HealthCheckResponse.Parser.ParseFrom(bytes[4]).ToByteArray());
    }
}
