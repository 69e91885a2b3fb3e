namespace LlmdDoctor.Probes;

/// <summary>How the probers behave. Defaults fit an in-cluster agent probing every minute.</summary>
public sealed record ProbeSettings
{
    /// <summary>Per-probe budget for resolve, connect, TLS, headers and body together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Probes in flight at once, across all gateways.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Bytes of body kept as the excerpt in results and transcripts.</summary>
    public int ExcerptBytes { get; init; } = 4 * 1024;

    /// <summary>Bytes of a <c>/v1/models</c> body kept for parsing (a list with many adapters exceeds the excerpt).</summary>
    public int ModelListParseBytes { get; init; } = 256 * 1024;

    /// <summary>Hard cap on body bytes read; beyond it the connection is dropped and the probe fails TooLarge.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Characters kept of a transcript.</summary>
    public int TranscriptChars { get; init; } = 8 * 1024;

    /// <summary>
    /// Plan <c>direct</c> probes of the model Services (<c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;domain&gt;</c>): only when the doctor
    /// runs in-cluster or otherwise reaches Service addresses.
    /// </summary>
    public bool ProbeModelServicesDirectly { get; init; }

    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>
    /// Scheme of direct probes when the Service port does not say (name/appProtocol): KServe's vLLM serves
    /// HTTPS on 8000 (its PodMonitor scrapes <c>https</c> :8000, domain-facts §4).
    /// </summary>
    public string DirectScheme { get; init; } = "https";

    /// <summary>TLS trust (CA file, e.g. OpenShift's <c>service-ca.crt</c>, or insecure-skip-verify) for direct probes.</summary>
    public GatewayProbeOptions Direct { get; init; } = new();

    /// <summary>Model id to ask for on every gateway unless a gateway's own override says otherwise.</summary>
    public string? ModelOverride { get; init; }

    /// <summary>Per-gateway overrides, keyed <c>namespace/name</c>.</summary>
    public IReadOnlyDictionary<string, GatewayProbeOptions> Gateways { get; init; } = new Dictionary<string, GatewayProbeOptions>(StringComparer.Ordinal);

    public GatewayProbeOptions For(string gatewayKey) => Gateways.TryGetValue(gatewayKey, out var o) ? o : GatewayProbeOptions.Default;
}

/// <summary>
/// How to reach one gateway: an address override (e.g. its in-cluster Service), TLS trust, the Host header
/// and SNI to present, the model to ask for, and the credential its auth policy wants.
/// </summary>
public sealed record GatewayProbeOptions
{
    public static GatewayProbeOptions Default { get; } = new();

    /// <summary><c>scheme://host[:port]</c> used instead of the Gateway's status address.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>PEM file of the CA(s) that sign the gateway's certificate; replaces the system trust for this gateway.</summary>
    public string? CaFile { get; init; }

    /// <summary>Accept any certificate (the transcript still says what was wrong with it). Explicit only.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Host header to send (e.g. the listener's hostname when <see cref="BaseUrl"/> is an IP or a Service).</summary>
    public string? Host { get; init; }

    /// <summary>TLS server name; defaults to <see cref="Host"/>, then the URL's host.</summary>
    public string? Sni { get; init; }

    public string? ModelOverride { get; init; }

    /// <summary>Credential header for the gateway's auth policy, held in memory only.</summary>
    public ProbeCredential? Credential { get; init; }
}

/// <summary>
/// A credential header value supplied by the caller (read from a Secret). Never printed: <see cref="ToString"/>
/// and every probe result, detail and transcript show <c>&lt;redacted&gt;</c> instead.
/// </summary>
public sealed class ProbeCredential
{
    public ProbeCredential(string headerName, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(headerName);
        ArgumentException.ThrowIfNullOrEmpty(value);
        HeaderName = headerName;
        Value = value;
    }

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public static ProbeCredential Bearer(string token) => new("Authorization", $"Bearer {token}");

    public string HeaderName { get; }

    internal string Value { get; }

    public override string ToString() => $"{HeaderName}: <redacted>";
}
