using System.Globalization;
using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using LlmdDoctor.Envoy.Grpc;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.EndpointPicker;

/// <summary>
/// A simulated Endpoint Picker behaving like GIE's FULL_DUPLEX_STREAMED ext_proc server
/// (pkg/epp/handlers/server.go, request.go, response.go @v1.0.0; domain-facts §3.1):
/// request headers with end_of_stream pick a random ready pod at once; otherwise the EPP waits for the whole
/// body, unmarshals it (bad JSON → ImmediateResponse 400), needs a <c>model</c> (else 400), needs a ready pod
/// (else ImmediateResponse 503), then sends the request-headers response (<c>x-gateway-destination-endpoint</c>,
/// <c>Content-Length</c>, the original headers, clear_route_cache, <c>envoy.lb</c> dynamic metadata) followed by
/// the re-marshalled body as streamed body responses. Response headers get <c>x-went-into-resp-headers: true</c>,
/// response bodies are streamed back, trailers are ignored ("currently unused").
/// With <see cref="EndpointPickerBehaviour.Streaming"/> off it is GIE ≤ v0.3's original server
/// (pkg/epp/handlers/request.go @v0.3.0): request headers are answered at once (clear_route_cache), and the BUFFERED
/// body message gets one body response carrying the destination header, Content-Length, the re-marshalled body and
/// the <c>envoy.lb</c> metadata.
/// Also serves grpc.health.v1 (cmd/epp/runner/health.go @v1.0.0/v1.5.0) and a small /metrics text.
/// </summary>
internal sealed class SimulatedEndpointPicker(string ns, string service, string poolName, IReadOnlyList<string> readyEndpoints, EndpointPickerBehaviour behaviour)
{
    public const string ProcessPath = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";
    public const string HealthCheckPath = "/grpc.health.v1.Health/Check";
    public const string DestinationHeader = "x-gateway-destination-endpoint";
    public const string DestinationNamespace = "envoy.lb";
    public const string ResponseMarkerHeader = "x-went-into-resp-headers";

    /// <summary>GIE's streamed body chunk limit (bodyByteLimit, 62 KiB in pkg/epp/handlers).</summary>
    private const int BodyChunk = 62 * 1024;

    private static readonly HashSet<string> HealthServices = new(StringComparer.Ordinal)
    {
        "", "liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor",
    };

    private long _requests;
    private long _errors;

    public string Namespace { get; } = ns;

    public string Service { get; } = service;

    /// <summary><c>ip:port</c> of every pod the EPP may pick.</summary>
    public IReadOnlyList<string> ReadyEndpoints { get; } = readyEndpoints;

    public async Task HandleExtProcAsync(HttpContext context)
    {
        var call = new GrpcServerCall(context);
        if (!await call.AcceptAsync())
        {
            return;
        }

        if (context.Request.Path != ProcessPath)
        {
            await call.FinishAsync(GrpcStatusCode.Unimplemented, $"unknown method {context.Request.Path.Value?.TrimStart('/')}");
            return;
        }

        try
        {
            await ProcessAsync(call);
        }
        catch (OperationCanceledException)
        {
            // Envoy reset the stream.
        }
        catch (GrpcCallException e)
        {
            await call.FinishAsync(GrpcStatusCode.Internal, e.Message);
        }
        catch (IOException)
        {
            // The connection went away mid-stream.
        }
    }

    private async Task ProcessAsync(GrpcServerCall call)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var body = new MemoryStream();
        while (await call.ReadAsync(ProcessingRequest.Parser) is { } request)
        {
            switch (request.RequestCase)
            {
                case ProcessingRequest.RequestOneofCase.RequestHeaders:
                    Interlocked.Increment(ref _requests);
                    headers = [.. request.RequestHeaders.Headers?.Headers.Select(h => new KeyValuePair<string, string>(h.Key, ValueOf(h))) ?? []];
                    if (!headers.Any(h => h.Key == "x-request-id"))
                    {
                        headers.Add(new("x-request-id", Guid.NewGuid().ToString()));
                    }

                    if (!behaviour.Streaming)
                    {
                        // GIE <= v0.3 HandleRequestHeaders: answer at once, the pick comes with the body.
                        await call.WriteAsync(new ProcessingResponse
                        {
                            RequestHeaders = new HeadersResponse { Response = new CommonResponse { ClearRouteCache = true } },
                        });
                    }
                    else if (request.RequestHeaders.EndOfStream)
                    {
                        // No body (a GET): GIE picks a random pod right away.
                        if (Pick() is not { } endpoint)
                        {
                            await ImmediateAsync(call, 503, "ServiceUnavailable", "failed to find candidate pods for serving the request");
                            return;
                        }

                        await call.WriteAsync(HeadersResponse(endpoint, headers, 0));
                    }

                    break;
                case ProcessingRequest.RequestOneofCase.RequestBody:
                    body.Write(request.RequestBody.Body.Span);
                    if (request.RequestBody.EndOfStream)
                    {
                        if (!await RouteBodyAsync(call, headers, body.ToArray()))
                        {
                            return;
                        }
                    }

                    break;
                case ProcessingRequest.RequestOneofCase.ResponseHeaders:
                    await call.WriteAsync(new ProcessingResponse
                    {
                        ResponseHeaders = new HeadersResponse
                        {
                            Response = new CommonResponse { HeaderMutation = new HeaderMutation { SetHeaders = { Header(ResponseMarkerHeader, "true") } } },
                        },
                    });
                    break;
                case ProcessingRequest.RequestOneofCase.ResponseBody:
                    await call.WriteAsync(new ProcessingResponse
                    {
                        ResponseBody = new BodyResponse
                        {
                            Response = new CommonResponse
                            {
                                BodyMutation = new BodyMutation
                                {
                                    StreamedResponse = new StreamedBodyResponse { Body = request.ResponseBody.Body, EndOfStream = request.ResponseBody.EndOfStream },
                                },
                            },
                        },
                    });
                    break;
                default:
                    // Request and response trailers: GIE ignores them ("currently unused").
                    break;
            }
        }

        await call.FinishAsync(GrpcStatusCode.Ok);
    }

    /// <summary>
    /// The body is complete: unmarshal, schedule, answer headers then the body (GIE ≥ v0.4), or one body response with
    /// the pick (GIE ≤ v0.3). False when an ImmediateResponse ended the stream.
    /// </summary>
    private async Task<bool> RouteBodyAsync(GrpcServerCall call, List<KeyValuePair<string, string>> headers, byte[] body)
    {
        byte[] remarshalled;
        try
        {
            remarshalled = JsonRemarshal.Remarshal(body, out var hasModel);
            if (!hasModel)
            {
                await ImmediateAsync(call, 400, "BadRequest", "model not found in request body");
                return false;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            await ImmediateAsync(call, 400, "BadRequest", "Error unmarshaling request body");
            return false;
        }

        if (Pick() is not { } endpoint)
        {
            await ImmediateAsync(call, 503, "ServiceUnavailable", "failed to find candidate pods for serving the request");
            return false;
        }

        if (!behaviour.Streaming)
        {
            var picked = HeadersResponse(endpoint, [], remarshalled.Length);
            var mutation = picked.RequestHeaders.Response.HeaderMutation;
            await call.WriteAsync(new ProcessingResponse
            {
                RequestBody = new BodyResponse
                {
                    Response = new CommonResponse { HeaderMutation = mutation, BodyMutation = new BodyMutation { Body = ByteString.CopyFrom(remarshalled) } },
                },
                DynamicMetadata = picked.DynamicMetadata,
            });
            return true;
        }

        await call.WriteAsync(HeadersResponse(endpoint, headers, remarshalled.Length));
        var offset = 0;
        do
        {
            var length = Math.Min(BodyChunk, remarshalled.Length - offset);
            await call.WriteAsync(new ProcessingResponse
            {
                RequestBody = new BodyResponse
                {
                    Response = new CommonResponse
                    {
                        BodyMutation = new BodyMutation
                        {
                            StreamedResponse = new StreamedBodyResponse
                            {
                                Body = ByteString.CopyFrom(remarshalled, offset, length),
                                EndOfStream = offset + length >= remarshalled.Length,
                            },
                        },
                    },
                },
            });
            offset += length;
        }
        while (offset < remarshalled.Length);
        return true;
    }

    private string? Pick() => ReadyEndpoints.Count == 0 ? null : ReadyEndpoints[Random.Shared.Next(ReadyEndpoints.Count)];

    /// <summary>GIE generateRequestHeaderResponse: destination + Content-Length + the original headers, clear_route_cache, envoy.lb metadata.</summary>
    private static ProcessingResponse HeadersResponse(string endpoint, List<KeyValuePair<string, string>> headers, int bodyLength)
    {
        var mutation = new HeaderMutation { SetHeaders = { Header(DestinationHeader, endpoint) } };
        if (bodyLength > 0)
        {
            mutation.SetHeaders.Add(Header("Content-Length", bodyLength.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (key, value) in headers.Where(h => !h.Key.StartsWith(':') && !h.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase)))
        {
            mutation.SetHeaders.Add(Header(key, value));
        }

        return new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse { Response = new CommonResponse { ClearRouteCache = true, HeaderMutation = mutation } },
            DynamicMetadata = new Struct
            {
                Fields = { [DestinationNamespace] = Value.ForStruct(new Struct { Fields = { [DestinationHeader] = Value.ForString(endpoint) } }) },
            },
        };
    }

    /// <summary>GIE buildErrResponse: the HTTP status of the error code, body <c>inference gateway: &lt;Code&gt; - &lt;Msg&gt;</c>.</summary>
    private async Task ImmediateAsync(GrpcServerCall call, int status, string code, string message)
    {
        Interlocked.Increment(ref _errors);
        await call.WriteAsync(new ProcessingResponse
        {
            ImmediateResponse = new ImmediateResponse
            {
                Status = new global::Envoy.Type.V3.HttpStatus { Code = (global::Envoy.Type.V3.StatusCode)status },
                Body = ByteString.CopyFromUtf8($"inference gateway: {code} - {message}"),
            },
        });
        await call.FinishAsync(GrpcStatusCode.Ok);
    }

    private static HeaderValueOption Header(string key, string value) =>
        new() { Header = new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(value) } };

    private static string ValueOf(HeaderValue header) =>
        header.RawValue.IsEmpty ? header.Value : Encoding.UTF8.GetString(header.RawValue.Span);

    /// <summary>
    /// grpc.health.v1.Health/Check on the health port (h2c), as GIE's healthServer.Check (cmd/epp/runner/health.go
    /// @v1.0.0, same at v1.5.0): with leader election off every service name is SERVING once the pool has synced
    /// (it always has here; ready pods do not matter); with it on, this single replica is the leader, so liveness,
    /// readiness, "" and the ext_proc service are SERVING and any other name is SERVICE_UNKNOWN.
    /// </summary>
    public async Task HandleHealthAsync(HttpContext context)
    {
        var call = new GrpcServerCall(context);
        if (!await call.AcceptAsync())
        {
            return;
        }

        if (context.Request.Path != HealthCheckPath)
        {
            await call.FinishAsync(GrpcStatusCode.Unimplemented, $"unknown method {context.Request.Path.Value?.TrimStart('/')}");
            return;
        }

        var request = await call.ReadAsync(HealthCheckRequest.Parser) ?? new HealthCheckRequest();
        await call.WriteAsync(new HealthCheckResponse
        {
            Status = !behaviour.LeaderElection || HealthServices.Contains(request.Service)
                ? HealthCheckResponse.Types.ServingStatus.Serving
                : HealthCheckResponse.Types.ServingStatus.ServiceUnknown,
        });
        await call.FinishAsync(GrpcStatusCode.Ok);
    }

    /// <summary>The EPP's metrics port (9090): a few GIE series (domain-facts §3.3). Real EPPs require authn/authz here; the simulator does not.</summary>
    public Task HandleMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4";
        var text = new StringBuilder()
            .Append("# TYPE inference_pool_ready_pods gauge\n")
            .Append(CultureInfo.InvariantCulture, $"inference_pool_ready_pods{{name=\"{poolName}\"}} {ReadyEndpoints.Count}\n")
            .Append("# TYPE inference_objective_request_total counter\n")
            .Append(CultureInfo.InvariantCulture, $"inference_objective_request_total{{model_name=\"\",target_model_name=\"\"}} {Interlocked.Read(ref _requests)}\n")
            .Append("# TYPE inference_objective_request_error_total counter\n")
            .Append(CultureInfo.InvariantCulture, $"inference_objective_request_error_total{{error_code=\"\",model_name=\"\",target_model_name=\"\"}} {Interlocked.Read(ref _errors)}\n");
        return context.Response.WriteAsync(text.ToString());
    }
}
