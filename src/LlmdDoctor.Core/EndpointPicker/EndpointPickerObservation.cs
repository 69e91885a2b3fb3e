namespace LlmdDoctor.Core.EndpointPicker;

/// <summary>One gRPC health answer of an Endpoint Picker (GIE default port 9003: services liveness, readiness, ext_proc).</summary>
/// <param name="Service">The health service asked (<c>liveness</c>, <c>readiness</c>, <c>envoy.service.ext_proc.v3.ExternalProcessor</c>).</param>
/// <param name="Status">SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN, or null when the call itself failed.</param>
/// <param name="Error">Why the call failed (connect, TLS, deadline …), when it did.</param>
public sealed record EndpointPickerHealth(string Service, string? Status, string? Error)
{
    public bool Serving => Status == "SERVING";

    /// <summary>
    /// The EPP does not know that service name. GIE answers SERVICE_UNKNOWN only with leader election on, for names
    /// other than liveness/readiness/ext_proc (cmd/epp/runner/health.go @v1.0.0 and @v1.5.0); it says nothing
    /// about the EPP's health.
    /// </summary>
    public bool Unknown => Status == "SERVICE_UNKNOWN";
}

/// <summary>A direct ext_proc conversation with an Endpoint Picker, held the way Envoy holds it.</summary>
public sealed record EndpointPickerConversation
{
    /// <summary>FULL_DUPLEX_STREAMED or BUFFERED.</summary>
    public string Mode { get; init; } = "FULL_DUPLEX_STREAMED";

    public bool Succeeded { get; init; }

    /// <summary><c>ip:port</c> the EPP chose (header mutation or <c>envoy.lb</c> metadata).</summary>
    public string? PickedEndpoint { get; init; }

    /// <summary>Status of an ImmediateResponse, when the EPP answered the client itself.</summary>
    public int? ImmediateStatus { get; init; }

    public string? ImmediateBody { get; init; }

    /// <summary>What became of the request body (Identical, EquivalentJson, Missing …).</summary>
    public string? Body { get; init; }

    /// <summary>gRPC status code name when the stream ended with an error.</summary>
    public string? GrpcStatus { get; init; }

    /// <summary>Transport failure kind (Tls, ConnectionRefused, DeadlineExceeded …), when there was one.</summary>
    public string? Failure { get; init; }

    public string? Error { get; init; }

    public long LatencyMs { get; init; }
}

/// <summary>What the doctor saw when it talked to one Endpoint Picker directly (ext_proc and gRPC health).</summary>
public sealed record EndpointPickerObservation(string PoolNamespace, string PoolName, string Service)
{
    /// <summary>The ext_proc address the doctor dialled (<c>https://svc.ns.svc.cluster.local:9002</c>).</summary>
    public string Address { get; init; } = "";

    public IReadOnlyList<EndpointPickerHealth> Health { get; init; } = [];

    /// <summary>Where gRPC health was asked (<c>Service svc:9003</c>, <c>pod p 10.0.0.7:9003</c>), when it was.</summary>
    public string HealthTarget { get; init; } = "";

    public int HealthPort { get; init; }

    /// <summary>Why gRPC health was not asked (no health port exists), when it was not.</summary>
    public string? HealthSkipped { get; init; }

    public EndpointPickerConversation? Conversation { get; init; }

    /// <summary>The SHA-256 of the certificate the EPP presented, and whether a CA the doctor trusts signed it.</summary>
    public string? CertificateSha256 { get; init; }

    public bool? CertificateTrusted { get; init; }
}
