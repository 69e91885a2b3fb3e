using System.Runtime.CompilerServices;
using LlmdDoctor.Core.Envoy;
using static LlmdDoctor.Envoy.ConfigDump.ProtoJsonTokens;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Reads one <c>config.route.v3.Route</c> token by token: its name, match (path, headers, query parameters),
/// <c>route.cluster</c>, ext_proc override and Istio's <c>metadata.filter_metadata.istio.config</c>; everything else
/// (retry policy, other metadata …) is skipped without being built.
/// </summary>
internal static partial class RouteReader
{
    /// <summary>
    /// With the current token a route element's start (a non-object reads as a route with no fields). The route is
    /// held in the buffer while it is read (<see cref="JsonTokenStream.HoldElement"/>).
    /// </summary>
    public static EnvoyRoute Read(ref JsonTokenStream tokens, string routeConfig, string virtualHost)
    {
        tokens.HoldElement();
        try
        {
            return ReadFields(ref tokens, routeConfig, virtualHost);
        }
        finally
        {
            tokens.ReleaseElement();
        }
    }

    /// <summary>The route's fields; the proto rules of <see cref="ProtoField{T}"/> (snake_case first, last duplicate wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static EnvoyRoute ReadFields(ref JsonTokenStream tokens, string routeConfig, string virtualHost)
    {
        string? name = null;
        string? match = null;
        string? cluster = null;
        string? istioConfig = null;
        var headers = new List<EnvoyValueMatcher>();
        var query = new List<EnvoyValueMatcher>();
        ProtoField<ExtProcPerRoute?> extProc = default;
        if (tokens.EnterObject(out var depth))
        {
            while (tokens.NextProperty(depth))
            {
                FieldSpelling spelling;
                if (tokens.NameIs("name"u8))
                {
                    name = tokens.ReadStringValue();
                }
                else if (tokens.NameIs("match"u8))
                {
                    match = ReadMatch(ref tokens, headers, query);
                }
                else if (tokens.NameIs("route"u8))
                {
                    cluster = ReadStringProperty(ref tokens, "cluster"u8);
                }
                else if ((spelling = Spelling(ref tokens, "typed_per_filter_config"u8, "typedPerFilterConfig"u8)) != FieldSpelling.None)
                {
                    extProc.Set(spelling, ExtProcPerRouteReader.ReadTypedPerFilterConfig(ref tokens));
                }
                else if (tokens.NameIs("metadata"u8))
                {
                    istioConfig = ReadIstioConfig(ref tokens);
                }
                else
                {
                    tokens.Skip();
                }
            }
        }

        return new EnvoyRoute(routeConfig, virtualHost, name ?? "", match, cluster, extProc.Value)
        {
            Headers = headers.Count == 0 ? Array.Empty<EnvoyValueMatcher>() : headers,
            QueryParameters = query.Count == 0 ? Array.Empty<EnvoyValueMatcher>() : query,
            IstioConfig = istioConfig,
        };
    }

    /// <summary>With the current token the <c>match</c> property name: <c>prefix:/x</c>, <c>path:/x</c>, <c>regex:…</c>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadMatch(ref JsonTokenStream tokens, List<EnvoyValueMatcher> headers, List<EnvoyValueMatcher> query)
    {
        tokens.Expect();
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        string? prefix = null;
        string? path = null;
        ProtoField<string?> separated = default;
        ProtoField<string?> regex = default;
        while (tokens.NextProperty(depth))
        {
            FieldSpelling spelling;
            if (tokens.NameIs("prefix"u8))
            {
                prefix = tokens.ReadStringValue();
            }
            else if (tokens.NameIs("path"u8))
            {
                path = tokens.ReadStringValue();
            }
            else if ((spelling = Spelling(ref tokens, "path_separated_prefix"u8, "pathSeparatedPrefix"u8)) != FieldSpelling.None)
            {
                separated.Set(spelling, tokens.ReadStringValue());
            }
            else if ((spelling = Spelling(ref tokens, "safe_regex"u8, "safeRegex"u8)) != FieldSpelling.None)
            {
                regex.Set(spelling, ReadStringProperty(ref tokens, "regex"u8));
            }
            else if (tokens.NameIs("headers"u8))
            {
                ReadValueMatchers(ref tokens, headers);
            }
            else if (Spelling(ref tokens, "query_parameters"u8, "queryParameters"u8) != FieldSpelling.None)
            {
                ReadValueMatchers(ref tokens, query);
            }
            else
            {
                tokens.Skip();
            }
        }

        return prefix is not null ? $"prefix:{prefix}"
            : path is not null ? $"path:{path}"
            : separated.Value is { } s ? $"prefix:{s}"
            : regex.Value is { } r ? $"regex:{r}"
            : null;
    }

    /// <summary>
    /// With the current token the name of an object property (<c>route</c>, a RouteAction; <c>safe_regex</c>, a
    /// RegexMatcher): that object's string property <paramref name="name"/>; null when absent or not an object.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ReadStringProperty(ref JsonTokenStream tokens, ReadOnlySpan<byte> name)
    {
        tokens.Expect();
        string? value = null;
        if (tokens.EnterObject(out var depth))
        {
            while (tokens.NextProperty(depth))
            {
                if (tokens.NameIs(name))
                {
                    value = tokens.ReadStringValue();
                }
                else
                {
                    tokens.Skip();
                }
            }
        }

        return value;
    }
}
