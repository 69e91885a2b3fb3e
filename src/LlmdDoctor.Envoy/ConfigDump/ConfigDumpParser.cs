using System.Text.Json;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using static LlmdDoctor.Envoy.ConfigDump.ProtoJsonTokens;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Reads an Envoy admin <c>/config_dump</c> as a stream, tolerantly (as istioctl does): unknown fields and
/// unknown <c>@type</c>s are skipped because Envoy versions drift; truncated or invalid JSON becomes
/// <see cref="ConfigDump.Problem"/> with the byte offset, never an exception. Routes and clusters are read token
/// by token; memory is bounded by the largest listener or bootstrap (the only elements materialized as a
/// document), not by the dump.
/// </summary>
public static class ConfigDumpParser
{
    /// <summary>Reads a dump file.</summary>
    public static ConfigDump ParseFile(string path, ConfigDumpOptions? options = null, string? origin = null, CancellationToken cancellation = default)
    {
        var name = origin ?? path;
        try
        {
            // A regular file only, opened without blocking (a FIFO named config_dump.json must not hang the run).
            using var stream = Core.Io.BoundedFile.OpenRegular(path);
            var limit = (options ?? ConfigDumpOptions.Default).MaxBytes;
            if (stream.Length > limit)
            {
                return new ConfigDump { Origin = name, Problem = $"{name}: {stream.Length} bytes, larger than the limit of {limit} bytes (limits.maxDumpMegabytes)", Bytes = 0 };
            }

            return Parse(stream, name, options, cancellation);
        }
        catch (Core.Io.UnreadableFileException ex)
        {
            return new ConfigDump { Origin = name, Problem = $"{name}: {ex.Message}" };
        }
        catch (IOException)
        {
            return new ConfigDump { Origin = name, Problem = $"{name}: could not be read" };
        }
        catch (UnauthorizedAccessException)
        {
            return new ConfigDump { Origin = name, Problem = $"{name}: permission denied" };
        }
    }

    /// <summary>
    /// Reads a dump from <paramref name="stream"/> (synchronously: call it off the request thread for a network
    /// stream). <paramref name="origin"/> names the source in problems.
    /// </summary>
    public static ConfigDump Parse(Stream stream, string origin, ConfigDumpOptions? options = null, CancellationToken cancellation = default) =>
        Parse(stream, origin, options, JsonTokenStream.DefaultInitialBuffer, cancellation);

    /// <summary>
    /// <see cref="Parse(Stream, string, ConfigDumpOptions?, CancellationToken)"/> starting with a buffer of
    /// <paramref name="initialBuffer"/> bytes (tests use a tiny one to make every element straddle refills).
    /// </summary>
    internal static ConfigDump Parse(Stream stream, string origin, ConfigDumpOptions? options, int initialBuffer, CancellationToken cancellation)
    {
        options ??= ConfigDumpOptions.Default;
        var state = new DumpState();
        var tokens = new JsonTokenStream(stream, options.MaxBytes, options.MaxElementBytes, cancellation, initialBuffer);
        string? problem = null;
        try
        {
            problem = ReadDump(ref tokens, state);
        }
        catch (DumpReadException ex)
        {
            problem = ex.Message;
        }
        catch (IOException ex)
        {
            problem = $"read failed after {tokens.BytesRead} bytes: {ex.Message}";
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or FormatException)
        {
            // Text .NET refuses to decode (invalid UTF-8, a lone escaped surrogate) in a listener or the bootstrap:
            // a hostile or corrupt dump is a problem of this input, never a crash.
            problem = $"unreadable text before byte {tokens.BytesRead}: {ex.Message}";
        }

        return new ConfigDump
        {
            Origin = origin,
            Problem = problem is null ? null : $"{origin}: {problem}",
            Bytes = tokens.BytesRead,
            NodeId = state.NodeId,
            IstioVersion = state.IstioVersion,
            EnvoyVersion = state.EnvoyVersion,
            ListenersDumped = state.ListenersDumped,
            ExtProcFilters = [.. state.Filters.Distinct()],
            Routes = state.Routes,
            ClusterNames = state.Clusters,
            Skipped = [.. state.Skipped.Order(StringComparer.Ordinal)],
        };
    }

    /// <summary>The whole document: its <c>configs</c> array; the problem with its shape, if any.</summary>
    private static string? ReadDump(ref JsonTokenStream tokens, DumpState state)
    {
        if (!tokens.Read())
        {
            return "empty: no JSON at all";
        }

        if (tokens.TokenType != JsonTokenType.StartObject)
        {
            return "not an Envoy config dump: the JSON is not an object";
        }

        var sawConfigs = false;
        var depth = tokens.Depth;
        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("configs"u8))
            {
                sawConfigs = true;
                if (tokens.EnterArrayValue(out var configs))
                {
                    while (tokens.NextElement(configs))
                    {
                        ReadConfig(ref tokens, state);
                    }
                }
            }
            else
            {
                tokens.Skip();
            }
        }

        return tokens.Read() ? $"unexpected data after the dump at byte {tokens.Offset}"
            : !sawConfigs ? "not an Envoy config dump: no \"configs\" array"
            : null;
    }

    private static void ReadConfig(ref JsonTokenStream tokens, DumpState state)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return;
        }

        var skipRest = false;
        while (tokens.NextProperty(depth))
        {
            if (skipRest)
            {
                tokens.Skip();
            }
            else if (tokens.NameIs("@type"u8))
            {
                var type = tokens.ReadStringValue();
                if (!IsKnown(ProtoJson.TypeName(type)))
                {
                    skipRest = true;
                    if (!IsIgnored(ProtoJson.TypeName(type)))
                    {
                        state.Skipped.Add(type ?? "(no @type)");
                    }
                }
            }

            // Sections are recognised by field name as well, so an Any whose @type comes late still reads.
            else if (tokens.NameIs("bootstrap"u8))
            {
                tokens.ReadElement(bootstrap => BootstrapReader.Read(bootstrap, state));
            }
            else if (Spelling(ref tokens, "static_listeners"u8, "staticListeners"u8) != FieldSpelling.None
                || Spelling(ref tokens, "dynamic_listeners"u8, "dynamicListeners"u8) != FieldSpelling.None)
            {
                state.ListenersDumped = true;
                if (tokens.EnterArrayValue(out var listeners))
                {
                    while (tokens.NextElement(listeners))
                    {
                        tokens.ReadElement(element => ReadListener(element, state));
                    }
                }
            }
            else if (Spelling(ref tokens, "static_route_configs"u8, "staticRouteConfigs"u8) != FieldSpelling.None
                || Spelling(ref tokens, "dynamic_route_configs"u8, "dynamicRouteConfigs"u8) != FieldSpelling.None)
            {
                if (tokens.EnterArrayValue(out var routeConfigs))
                {
                    while (tokens.NextElement(routeConfigs))
                    {
                        RouteConfigWalker.Read(ref tokens, state.Routes);
                    }
                }
            }
            else if (Spelling(ref tokens, "static_clusters"u8, "staticClusters"u8) != FieldSpelling.None
                || Spelling(ref tokens, "dynamic_active_clusters"u8, "dynamicActiveClusters"u8) != FieldSpelling.None
                || Spelling(ref tokens, "dynamic_warming_clusters"u8, "dynamicWarmingClusters"u8) != FieldSpelling.None)
            {
                if (tokens.EnterArrayValue(out var clusters))
                {
                    while (tokens.NextElement(clusters))
                    {
                        ReadCluster(ref tokens, state);
                    }
                }
            }
            else
            {
                tokens.Skip();
            }
        }
    }

    private static bool ReadListener(JsonElement element, DumpState state)
    {
        JsonElement? e = element;
        var listener = e.Prop("listener") ?? e.Prop("active_state").Prop("listener") ?? e.Prop("warming_state").Prop("listener");
        if (listener is { ValueKind: JsonValueKind.Object } l)
        {
            state.Filters.AddRange(ListenerReader.ExtProcFilters(l));
        }

        return true;
    }

    private static void ReadCluster(ref JsonTokenStream tokens, DumpState state)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return;
        }

        while (tokens.NextProperty(depth))
        {
            if (!tokens.NameIs("cluster"u8))
            {
                tokens.Skip();
                continue;
            }

            tokens.Expect();
            if (!tokens.EnterObject(out var clusterDepth))
            {
                continue;
            }

            while (tokens.NextProperty(clusterDepth))
            {
                if (!tokens.NameIs("name"u8))
                {
                    tokens.Skip();
                }
                else if (tokens.ReadStringValue() is { } clusterName)
                {
                    state.Clusters.Add(clusterName);
                }
            }
        }
    }

    private static bool IsKnown(string? type) =>
        type is "BootstrapConfigDump" or "ListenersConfigDump" or "RoutesConfigDump" or "ClustersConfigDump";

    /// <summary>Dump types the doctor knows and does not need.</summary>
    private static bool IsIgnored(string? type) =>
        type is "EndpointsConfigDump" or "ScopedRoutesConfigDump" or "SecretsConfigDump" or "EcdsConfigDump";
}

/// <summary>What a dump walk has collected so far.</summary>
internal sealed class DumpState
{
    public string? NodeId { get; set; }
    public string? IstioVersion { get; set; }
    public ComponentVersion? EnvoyVersion { get; set; }
    public bool ListenersDumped { get; set; }
    public List<ExtProcFilter> Filters { get; } = [];
    public List<EnvoyRoute> Routes { get; } = [];
    public List<string> Clusters { get; } = [];
    public HashSet<string> Skipped { get; } = new(StringComparer.Ordinal);
}
