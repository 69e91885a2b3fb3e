using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Configuration;

/// <summary>
/// The doctor's configuration (design.md §10): one YAML file (a ConfigMap in the cluster) plus environment
/// overrides. Defaults discover everything; every key is optional.
/// </summary>
public sealed record DoctorConfig
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);
    public ProbeConfig Probe { get; init; } = new();
    public GatewaySelection Gateways { get; init; } = new();
    public PrometheusConfig? Prometheus { get; init; }
    public GrafanaConfig? Grafana { get; init; }
    public AlertmanagerConfig? Alertmanager { get; init; }
    /// <summary>Base of every runbook link; null when not configured (the agent then links its own /runbooks, the CLI <see cref="ReportBuilder.OfflineRunbookBase"/>).</summary>
    public string? RunbookBaseUrl { get; init; }
    public IReadOnlyDictionary<string, Severity> SeverityOverrides { get; init; } = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
    public IReadOnlyList<Suppression> Suppressions { get; init; } = [];
    public LimitsConfig Limits { get; init; } = new();

    public ReportPolicy Policy(IEnumerable<Suppression> extraSuppressions) => new()
    {
        SeverityOverrides = SeverityOverrides,
        Suppressions = [.. Suppressions, .. extraSuppressions],
    };
}

public sealed record ProbeConfig
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public int Concurrency { get; init; } = 8;
    public TimeSpan SlowThreshold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Model id to send instead of the one <c>/v1/models</c> lists.</summary>
    public string? Model { get; init; }

    /// <summary>Whether to probe model Services directly (needs the doctor to run in the cluster).</summary>
    public bool Direct { get; init; } = true;
}

public sealed record GatewaySelection
{
    /// <summary><c>ns/name</c> of gateways to probe; empty = all.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public IReadOnlyDictionary<string, GatewayOverride> Overrides { get; init; } = new Dictionary<string, GatewayOverride>(StringComparer.Ordinal);

    public bool Selects(string key) => (Include.Count == 0 || Include.Contains(key)) && !Exclude.Contains(key);
}

/// <summary>How to reach one gateway when its status address is not usable from where the doctor runs.</summary>
public sealed record GatewayOverride
{
    public string? Url { get; init; }
    public string? CaFile { get; init; }
    public bool InsecureSkipVerify { get; init; }
    public SecretKeyRef? Credential { get; init; }
}

/// <summary>A key of a Secret; the value is read at run time, held in memory, never written anywhere.</summary>
public sealed record SecretKeyRef(string Namespace, string Name, string Key);

public sealed record PrometheusConfig
{
    public required string Url { get; init; }
    public string? TokenFile { get; init; }
    public SecretKeyRef? TokenSecret { get; init; }
    public string? CaFile { get; init; }
    public bool InsecureSkipVerify { get; init; }
}

public sealed record GrafanaConfig
{
    public required string Url { get; init; }
    public SecretKeyRef? Credential { get; init; }
    public string? CaFile { get; init; }
    public bool InsecureSkipVerify { get; init; }
}

public sealed record AlertmanagerConfig
{
    public required string Url { get; init; }
    public string? TokenFile { get; init; }
    public string? CaFile { get; init; }
    public bool InsecureSkipVerify { get; init; }
}

/// <summary>Hard bounds that keep the agent small whatever the cluster answers.</summary>
public sealed record LimitsConfig
{
    public int MaxBodyBytes { get; init; } = 4 * 1024;
    public long MaxDumpBytes { get; init; } = 256L * 1024 * 1024;
    public int ProbeHistory { get; init; } = 20;
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one agent cycle may take before it is cut and what it still waited on is reported; null: twice the
    /// interval, at least 5 minutes.
    /// </summary>
    public TimeSpan? CycleDeadline { get; init; }
}
