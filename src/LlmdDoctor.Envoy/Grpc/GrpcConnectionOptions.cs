namespace LlmdDoctor.Envoy.Grpc;

/// <summary>Where and how to connect: <c>http://host:port</c> is h2c (prior knowledge), <c>https://host:port</c> is TLS with ALPN h2.</summary>
public sealed record GrpcConnectionOptions
{
    /// <summary>Default largest message accepted from the peer (gRPC's usual default, 4 MiB).</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Base address of the server; only scheme, host and port are used.</summary>
    public required Uri Address { get; init; }

    /// <summary>Server certificate validation for https addresses; ignored for http.</summary>
    public GrpcTlsOptions Tls { get; init; } = GrpcTlsOptions.SystemTrust;

    /// <summary>Largest message accepted; a larger frame fails the call with ResourceExhausted.</summary>
    public int MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>TCP (and TLS) connect timeout; the call's deadline still applies on top.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opens the connection's byte stream instead of dialling <see cref="Address"/> (e.g. a <c>pods/portforward</c>
    /// stream to an Endpoint Picker pod); TLS, when the address is https, runs on top of it. Null: a TCP connection.
    /// </summary>
    public Func<CancellationToken, ValueTask<Stream>>? Connect { get; init; }
}

/// <summary>
/// How the server certificate is checked. EPPs serve a self-signed certificate by default
/// (GIE pkg/epp/server/runserver.go, DefaultCertPath ""), so a CA file, a pin or an explicit
/// skip is usually needed. Precedence: <see cref="InsecureSkipVerify"/>, then <see cref="PinnedSha256"/>,
/// then <see cref="CaFile"/>, else the system trust store.
/// </summary>
public sealed record GrpcTlsOptions
{
    /// <summary>Validate against the system trust store and the host name.</summary>
    public static GrpcTlsOptions SystemTrust { get; } = new();

    /// <summary>PEM file with the CA certificate(s) to trust (chain and host name are checked).</summary>
    public string? CaFile { get; init; }

    /// <summary>Hex SHA-256 of the server's leaf certificate (DER); colons and case are ignored. Chain and name are not checked.</summary>
    public string? PinnedSha256 { get; init; }

    /// <summary>Accept any certificate. Only when explicitly asked for (mirrors Istio's insecureSkipVerify).</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>TLS server name (SNI and name check) when it differs from the address host.</summary>
    public string? ServerName { get; init; }

    /// <summary>Short description of the mode, for reports (never contains key material).</summary>
    public string Describe() =>
        InsecureSkipVerify ? "insecure-skip-verify"
        : PinnedSha256 is not null ? "pinned sha256"
        : CaFile is not null ? "ca file"
        : "system trust";
}

/// <summary>Per-call settings.</summary>
public sealed record GrpcCallOptions
{
    /// <summary>Time allowed for the whole call; sent as <c>grpc-timeout</c> and enforced client-side. Null: no deadline.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Request metadata (custom headers) sent with the call.</summary>
    public GrpcMetadata? Metadata { get; init; }
}
