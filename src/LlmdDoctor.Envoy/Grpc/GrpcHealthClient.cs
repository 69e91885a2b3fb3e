using System.Diagnostics;
using Grpc.Health.V1;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>Serving state reported by grpc.health.v1 (plus SERVICE_UNKNOWN for a service the server does not know).</summary>
public enum GrpcServingStatus
{
    /// <summary>UNKNOWN.</summary>
    Unknown = 0,
    /// <summary>SERVING.</summary>
    Serving = 1,
    /// <summary>NOT_SERVING.</summary>
    NotServing = 2,
    /// <summary>SERVICE_UNKNOWN, or Check answered NOT_FOUND (what grpc-go and grpcio do for an unregistered service).</summary>
    ServiceUnknown = 3,
}

/// <summary>Outcome of one health Check.</summary>
/// <param name="Service">The service name asked for ("" = the whole server).</param>
/// <param name="ServingStatus">The reported state, or null when the call failed otherwise.</param>
/// <param name="Status">gRPC status of the call.</param>
/// <param name="Failure">Transport-level cause when the call failed.</param>
/// <param name="Error">Short human-readable error, or null.</param>
/// <param name="Latency">Time from start to answer or failure.</param>
public sealed record GrpcHealthResult(string Service, GrpcServingStatus? ServingStatus, RpcStatus Status, GrpcFailureKind Failure, string? Error, TimeSpan Latency)
{
    /// <summary>True when the service reported SERVING.</summary>
    public bool IsServing => ServingStatus == GrpcServingStatus.Serving;
}

/// <summary>Client for grpc.health.v1.Health/Check (the EPP serves it on port 9003 for "", liveness, readiness and the ext_proc service).</summary>
public sealed class GrpcHealthClient(GrpcConnection connection)
{
    /// <summary>The Check method.</summary>
    public static GrpcMethod<HealthCheckRequest, HealthCheckResponse> CheckMethod { get; } =
        new("grpc.health.v1.Health", "Check", HealthCheckResponse.Parser);

    /// <summary>Asks for the serving state of <paramref name="service"/>; never throws for call failures.</summary>
    public async Task<GrpcHealthResult> CheckAsync(string service, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var response = await connection.UnaryAsync(CheckMethod, new HealthCheckRequest { Service = service },
                new GrpcCallOptions { Timeout = timeout }, cancellationToken).ConfigureAwait(false);
            var state = response.Message.Status switch
            {
                HealthCheckResponse.Types.ServingStatus.Serving => GrpcServingStatus.Serving,
                HealthCheckResponse.Types.ServingStatus.NotServing => GrpcServingStatus.NotServing,
                HealthCheckResponse.Types.ServingStatus.ServiceUnknown => GrpcServingStatus.ServiceUnknown,
                _ => GrpcServingStatus.Unknown,
            };
            var error = state == GrpcServingStatus.Serving ? null : $"health of '{service}' is {state}";
            return new GrpcHealthResult(service, state, RpcStatus.Ok, GrpcFailureKind.None, error, clock.Elapsed);
        }
        catch (GrpcCallException e) when (e.Status.Code == GrpcStatusCode.NotFound && e.Failure == GrpcFailureKind.ServerStatus)
        {
            return new GrpcHealthResult(service, GrpcServingStatus.ServiceUnknown, e.Status, e.Failure,
                $"health server does not know service '{service}' ({e.Status})", clock.Elapsed);
        }
        catch (GrpcCallException e)
        {
            return new GrpcHealthResult(service, null, e.Status, e.Failure, e.Message, clock.Elapsed);
        }
    }
}
