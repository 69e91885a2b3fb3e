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
    public static EnvoyRoute Read(ref JsonTokenStream tokens, string routeConfig, string virtualHost, IReadOnlyList<string> domains)
    {
        tokens.HoldElement();
        try
        {
            return ReadFields(ref tokens, routeConfig, virtualHost, domains);
        }
        finally
        {
            tokens.ReleaseElement();
        }
    }

    /// <summary>The route's fields; the proto rules of <see cref="ProtoField{T}"/> (snake_case first, last duplicate wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static EnvoyRoute ReadFields(ref JsonTokenStream tokens, string routeConfig, string virtualHost, IReadOnlyList<string> domains)
    {
        string? name = null;
        string? match = null;
        EnvoyPathMatch? pathMatch = null;
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
                    (match, pathMatch) = ReadMatch(ref tokens, headers, query);
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
            PathMatch = pathMatch,
            Domains = domains,
        };
    }

    /// <summary>
    /// With the current token the <c>match</c> property name: <c>prefix:/x</c>, <c>path:/x</c>, <c>regex:…</c>, or null;
    /// and the same path condition typed, with <c>case_sensitive</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (string? Match, EnvoyPathMatch? Path) ReadMatch(ref JsonTokenStream tokens, List<EnvoyValueMatcher> headers, List<EnvoyValueMatcher> query)
    {
        tokens.Expect();
        if (!tokens.EnterObject(out var depth))
        {
            return (null, null);
        }

        string? prefix = null;
        string? path = null;
        ProtoField<string?> separated = default;
        ProtoField<string?> regex = default;
        ProtoField<bool?> caseSensitive = default;
        while (tokens.NextProperty(depth))
        {
            FieldSpelling spelling;
            if ((spelling = Spelling(ref tokens, "case_sensitive"u8, "caseSensitive"u8)) != FieldSpelling.None)
            {
                caseSensitive.Set(spelling, ReadBool(ref tokens));
            }
            else if (tokens.NameIs("prefix"u8))
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

        var text = prefix is not null ? $"prefix:{prefix}"
            : path is not null ? $"path:{path}"
            : separated.Value is { } s ? $"prefix:{s}"
            : regex.Value is { } r ? $"regex:{r}"
            : null;
        // RouteMatch.case_sensitive is a BoolValue whose absence means true (route_components.proto).
        var sensitive = caseSensitive.Value ?? true;
        var typed = prefix is not null ? new EnvoyPathMatch(EnvoyPathMatchKind.Prefix, prefix, sensitive)
            : path is not null ? new EnvoyPathMatch(EnvoyPathMatchKind.Exact, path, sensitive)
            : separated.Value is { } sp ? new EnvoyPathMatch(EnvoyPathMatchKind.PathSeparatedPrefix, sp, sensitive)
            : regex.Value is { } rx ? new EnvoyPathMatch(EnvoyPathMatchKind.Regex, rx, sensitive)
            : null;
        return (text, typed);
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
