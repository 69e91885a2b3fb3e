using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;

namespace LlmdDoctor.Collection;

/// <summary>
/// Talks to each Endpoint Picker directly: gRPC health on a health port that exists (<see cref="EndpointPickerHealthTarget"/>, h2c) and one
/// FULL_DUPLEX_STREAMED ext_proc conversation on the picker port (TLS, self-signed by default in GIE, so the
/// doctor does not verify it here — whether the gateway trusts it is LLMD0204's business, read from Envoy stats).
/// </summary>
public sealed class EndpointPickerCollector(ServiceAddresses addresses, TimeSpan timeout)
{
    private static readonly string[] HealthServices = ["liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor"];

    public async Task<(IReadOnlyList<EndpointPickerObservation> Observations, InputState State)> CollectAsync(
        ClusterSnapshot cluster, IReadOnlyList<RequestFlow> flows, CancellationToken cancellation)
    {
        var pickers = cluster.InferencePools
            .Where(p => p.PickerKind == "Service" && p.PickerName.Length > 0)
            .DistinctBy(p => (p.Metadata.Ns, p.PickerName, p.PickerPort))
            .ToList();
        if (pickers.Count == 0)
        {
            return ([], InputState.NotCollected("no InferencePool names an Endpoint Picker Service"));
        }

        var tasks = pickers.Select(pool => ObserveAsync(cluster, flows, pool, cancellation));
        var observations = await Task.WhenAll(tasks).ConfigureAwait(false);
        return (observations, InputState.Available("Endpoint Picker gRPC (ext_proc and health)"));
    }

    private async Task<EndpointPickerObservation> ObserveAsync(ClusterSnapshot cluster, IReadOnlyList<RequestFlow> flows, InferencePool pool, CancellationToken cancellation)
    {
        var ns = pool.Metadata.Ns;
        using var phase = Core.Telemetry.CollectionProgress.Enter($"Endpoint Picker {ns}/{pool.PickerName} of InferencePool {ns}/{pool.Metadata.Name}");
        var extProc = addresses.Resolve(ns, pool.PickerName, pool.PickerPort, "https");
        var target = EndpointPickerHealthTarget.For(cluster, pool);
        var healthResults = new List<EndpointPickerHealth>();
        var healthTarget = "";
        if (target.CanAsk)
        {
            var health = target.Service is { } svc
                ? addresses.Resolve(ns, svc, target.Port, "http")
                : addresses.ResolvePod(target.PodIp!, target.Port, "http");
            healthTarget = target.Service is not null ? $"Service {ns}/{target.Service} port {target.Port}" : $"pod {ns}/{target.PodName} port {target.Port}";
            using var connection = new GrpcConnection(new GrpcConnectionOptions { Address = health, ConnectTimeout = timeout });
            var client = new GrpcHealthClient(connection);
            foreach (var name in HealthServices)
            {
                var r = await client.CheckAsync(name, timeout, cancellation).ConfigureAwait(false);
                healthResults.Add(new EndpointPickerHealth(name, r.ServingStatus is { } s ? Name(s) : null, r.Error));
            }
        }

        var model = flows.FirstOrDefault(f => f.Pool is { } p && p.Metadata.Ns == ns && p.PickerName == pool.PickerName && f.Model is not null)?.Model ?? "probe";
        ExtProcOutcome outcome;
        using (var connection = new GrpcConnection(new GrpcConnectionOptions
               {
                   Address = extProc,
                   Tls = new GrpcTlsOptions { InsecureSkipVerify = true },
                   ConnectTimeout = timeout,
               }))
        {
            outcome = await new ExtProcConversation(connection)
                .RunAsync(ExtProcProbeRequest.ChatCompletion(model), new ExtProcConversationOptions { Timeout = timeout, SendResponseHeaders = true }, cancellation)
                .ConfigureAwait(false);
        }

        return new EndpointPickerObservation(ns, pool.Metadata.Name, pool.PickerName)
        {
            Address = extProc.ToString(),
            Health = healthResults,
            HealthTarget = healthTarget,
            HealthPort = target.Port,
            HealthSkipped = target.SkipReason,
            Conversation = EndpointPickerCollector.Conversation(outcome),
        };
    }

    private static string Name(GrpcServingStatus status) => status switch
    {
        GrpcServingStatus.Serving => "SERVING",
        GrpcServingStatus.NotServing => "NOT_SERVING",
        GrpcServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };

    /// <summary>What one FULL_DUPLEX_STREAMED ext_proc conversation with the Endpoint Picker showed, as the checks and the trace read it.</summary>
    internal static EndpointPickerConversation Conversation(ExtProcOutcome outcome) => new()
    {
        Mode = "FULL_DUPLEX_STREAMED",
        Succeeded = outcome.Succeeded,
        PickedEndpoint = outcome.PickedEndpoint,
        ImmediateStatus = outcome.ImmediateResponse?.StatusCode,
        ImmediateBody = outcome.ImmediateResponse?.Body,
        Body = outcome.Body.ToString(),
        GrpcStatus = outcome.GrpcStatus is { IsOk: false } st ? st.Code.ToString() : null,
        Failure = outcome.Failure == GrpcFailureKind.None ? null : outcome.Failure.ToString(),
        Error = outcome.Error,
        LatencyMs = (long)outcome.Latency.TotalMilliseconds,
    };
}
