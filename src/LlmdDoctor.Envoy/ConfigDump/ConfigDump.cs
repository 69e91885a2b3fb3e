using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>What the doctor reads from an Envoy admin <c>/config_dump</c>.</summary>
public sealed record ConfigDump
{
    /// <summary>Where the dump came from (file path, pod), for messages.</summary>
    public required string Origin { get; init; }

    /// <summary>Why the dump could not be read completely (with the byte offset); the other fields then hold what was read before.</summary>
    public string? Problem { get; init; }

    /// <summary>Bytes read.</summary>
    public long Bytes { get; init; }

    public string? NodeId { get; init; }
    public string? IstioVersion { get; init; }

    /// <summary>From <c>bootstrap.node.user_agent_build_version.version</c>.</summary>
    public ComponentVersion? EnvoyVersion { get; init; }

    /// <summary>Whether a ListenersConfigDump was present.</summary>
    public bool ListenersDumped { get; init; }

    public IReadOnlyList<ExtProcFilter> ExtProcFilters { get; init; } = [];
    public IReadOnlyList<EnvoyRoute> Routes { get; init; } = [];
    public IReadOnlyList<string> ClusterNames { get; init; } = [];

    /// <summary><c>@type</c>s that were skipped because the doctor does not know them.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
}

/// <summary>Limits for reading a dump.</summary>
public sealed record ConfigDumpOptions
{
    /// <summary>A dump larger than this is not read (a problem is reported instead).</summary>
    public long MaxBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>The largest single element (one route, one listener, the bootstrap) held in memory at once.</summary>
    public int MaxElementBytes { get; init; } = 64 * 1024 * 1024;

    public static ConfigDumpOptions Default { get; } = new();
}
