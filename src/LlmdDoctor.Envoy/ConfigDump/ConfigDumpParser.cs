using LlmdDoctor.Core.Cluster;
using System.Text.Json;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Reads an Envoy admin <c>/config_dump</c> as a stream, tolerantly (as istioctl does): unknown fields and
/// unknown <c>@type</c>s are skipped because Envoy versions drift; truncated or invalid JSON becomes
/// <see cref="ConfigDump.Problem"/> with the byte offset, never an exception. Memory is bounded by the
/// largest single route, listener or bootstrap, not by the dump.
/// </summary>
public static class ConfigDumpParser
{
    /// <summary>Reads a dump file.</summary>
    public static ConfigDump ParseFile(string path, ConfigDumpOptions? options = null, CancellationToken cancellation = default)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var limit = (options ?? ConfigDumpOptions.Default).MaxBytes;
            if (stream.Length > limit)
            {
                return new ConfigDump { Origin = path, Problem = $"{path}: {stream.Length} bytes, larger than the limit of {limit} bytes", Bytes = 0 };
            }

            return Parse(stream, path, options, cancellation);
        }
        catch (IOException ex)
        {
            return new ConfigDump { Origin = path, Problem = $"{path}: {ex.Message}" };
        }
        catch (UnauthorizedAccessException ex)
        {
            return new ConfigDump { Origin = path, Problem = $"{path}: {ex.Message}" };
        }
    }

    /// <summary>
    /// Reads a dump from <paramref name="stream"/> (synchronously: call it off the request thread for a network
    /// stream). <paramref name="origin"/> names the source in problems.
    /// </summary>
    public static ConfigDump Parse(Stream stream, string origin, ConfigDumpOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= ConfigDumpOptions.Default;
        var state = new DumpState();
        var tokens = new JsonTokenStream(stream, options.MaxBytes, options.MaxElementBytes, cancellation);
        string? problem = null;
        try
        {
            if (!tokens.Read())
            {
                problem = "empty: no JSON at all";
            }
            else if (tokens.TokenType != JsonTokenType.StartObject)
            {
                problem = "not an Envoy config dump: the JSON is not an object";
            }
            else
            {
                var sawConfigs = false;
                tokens.ForEachProperty(name =>
                {
                    if (name == "configs")
                    {
                        sawConfigs = true;
                        tokens.ForEachElement(() => ReadConfig(tokens, state));
                    }
                    else
                    {
                        tokens.Skip();
                    }
                });
                if (tokens.Read())
                {
                    problem = $"unexpected data after the dump at byte {tokens.Offset}";
                }
                else if (!sawConfigs)
                {
                    problem = "not an Envoy config dump: no \"configs\" array";
                }
            }
        }
        catch (DumpReadException ex)
        {
            problem = ex.Message;
        }
        catch (IOException ex)
        {
            problem = $"read failed after {tokens.BytesRead} bytes: {ex.Message}";
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

    private static void ReadConfig(JsonTokenStream tokens, DumpState state)
    {
        if (tokens.TokenType != JsonTokenType.StartObject)
        {
            tokens.Skip();
            return;
        }

        var skipRest = false;
        tokens.ForEachProperty(name =>
        {
            if (skipRest)
            {
                tokens.Skip();
                return;
            }

            if (name == "@type")
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

                return;
            }

            // Sections are recognised by field name as well, so an Any whose @type comes late still reads.
            if (Names.Is(name, "bootstrap"))
            {
                tokens.ReadElement(bootstrap => BootstrapReader.Read(bootstrap, state));
            }
            else if (Names.Is(name, "static_listeners") || Names.Is(name, "dynamic_listeners"))
            {
                state.ListenersDumped = true;
                tokens.ForEachElement(() => tokens.ReadElement(element => ReadListener(element, state)));
            }
            else if (Names.Is(name, "static_route_configs") || Names.Is(name, "dynamic_route_configs"))
            {
                tokens.ForEachElement(() => RouteConfigWalker.Read(tokens, state.Routes));
            }
            else if (Names.Is(name, "static_clusters") || Names.Is(name, "dynamic_active_clusters") || Names.Is(name, "dynamic_warming_clusters"))
            {
                tokens.ForEachElement(() => ReadCluster(tokens, state));
            }
            else
            {
                tokens.Skip();
            }
        });
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

    private static void ReadCluster(JsonTokenStream tokens, DumpState state)
    {
        tokens.ForEachProperty(name =>
        {
            if (Names.Is(name, "cluster"))
            {
                tokens.Expect();
                tokens.ForEachProperty(field =>
                {
                    if (field == "name" && tokens.ReadStringValue() is { } clusterName)
                    {
                        state.Clusters.Add(clusterName);
                    }
                    else if (field != "name")
                    {
                        tokens.Skip();
                    }
                });
            }
            else
            {
                tokens.Skip();
            }
        });
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
