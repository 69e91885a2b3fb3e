using System.Runtime.CompilerServices;
using LlmdDoctor.Core.Envoy;
using static LlmdDoctor.Envoy.ConfigDump.ProtoJsonTokens;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>Header and query-parameter matchers of a route match, and Istio's route metadata.</summary>
internal static partial class RouteReader
{
    /// <summary>Longest <c>istio.config</c> kept: a Kubernetes path of a namespaced object is far shorter; anything longer is not one.</summary>
    internal const int IstioConfigLimit = 1024;

    /// <summary>Most matchers kept per route; Gateway API allows 16 headers and 16 query parameters per match.</summary>
    private const int MatcherLimit = 64;

    /// <summary>
    /// With the current token the name of <c>headers</c> or <c>query_parameters</c>: each <c>HeaderMatcher</c> /
    /// <c>QueryParameterMatcher</c> (<c>string_match</c>, the legacy <c>exact_match</c> / <c>safe_regex_match</c> /
    /// <c>prefix_match</c> …, <c>present_match</c>, <c>invert_match</c>).
    /// </summary>
    private static void ReadValueMatchers(ref JsonTokenStream tokens, List<EnvoyValueMatcher> into)
    {
        if (!tokens.EnterArrayValue(out var depth))
        {
            return;
        }

        while (tokens.NextElement(depth))
        {
            if (ReadValueMatcher(ref tokens) is { } matcher && into.Count < MatcherLimit)
            {
                into.Add(matcher);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static EnvoyValueMatcher? ReadValueMatcher(ref JsonTokenStream tokens)
    {
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        string? name = null;
        var kind = EnvoyValueMatchKind.Other;
        string? value = null;
        var invert = false;
        var ignoreCase = false;
        while (tokens.NextProperty(depth))
        {
            if (tokens.NameIs("name"u8))
            {
                name = tokens.ReadStringValue();
            }
            else if (Spelling(ref tokens, "string_match"u8, "stringMatch"u8) != FieldSpelling.None)
            {
                (kind, value, ignoreCase) = ReadStringMatcher(ref tokens);
            }
            else if (Spelling(ref tokens, "exact_match"u8, "exactMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (EnvoyValueMatchKind.Exact, tokens.ReadStringValue());
            }
            else if (Spelling(ref tokens, "prefix_match"u8, "prefixMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (EnvoyValueMatchKind.Prefix, tokens.ReadStringValue());
            }
            else if (Spelling(ref tokens, "suffix_match"u8, "suffixMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (EnvoyValueMatchKind.Suffix, tokens.ReadStringValue());
            }
            else if (Spelling(ref tokens, "contains_match"u8, "containsMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (EnvoyValueMatchKind.Contains, tokens.ReadStringValue());
            }
            else if (Spelling(ref tokens, "safe_regex_match"u8, "safeRegexMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (EnvoyValueMatchKind.Regex, ReadStringProperty(ref tokens, "regex"u8));
            }
            else if (Spelling(ref tokens, "present_match"u8, "presentMatch"u8) != FieldSpelling.None)
            {
                (kind, value) = (ReadBool(ref tokens) == true ? EnvoyValueMatchKind.Present : EnvoyValueMatchKind.Other, null);
            }
            else if (Spelling(ref tokens, "invert_match"u8, "invertMatch"u8) != FieldSpelling.None)
            {
                invert = ReadBool(ref tokens) == true;
            }
            else
            {
                tokens.Skip();
            }
        }

        return name is null ? null : new EnvoyValueMatcher(name, kind, value, invert) { IgnoreCase = ignoreCase };
    }

    /// <summary>With the current token the name of a <c>type.matcher.v3.StringMatcher</c> property.</summary>
    private static (EnvoyValueMatchKind Kind, string? Value, bool IgnoreCase) ReadStringMatcher(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        var result = (EnvoyValueMatchKind.Other, (string?)null);
        var ignoreCase = false;
        if (!tokens.EnterObject(out var depth))
        {
            return (EnvoyValueMatchKind.Other, null, false);
        }

        while (tokens.NextProperty(depth))
        {
            if (Spelling(ref tokens, "ignore_case"u8, "ignoreCase"u8) != FieldSpelling.None)
            {
                ignoreCase = ReadBool(ref tokens) == true;
            }
            else if (tokens.NameIs("exact"u8))
            {
                result = (EnvoyValueMatchKind.Exact, tokens.ReadStringValue());
            }
            else if (tokens.NameIs("prefix"u8))
            {
                result = (EnvoyValueMatchKind.Prefix, tokens.ReadStringValue());
            }
            else if (tokens.NameIs("suffix"u8))
            {
                result = (EnvoyValueMatchKind.Suffix, tokens.ReadStringValue());
            }
            else if (tokens.NameIs("contains"u8))
            {
                result = (EnvoyValueMatchKind.Contains, tokens.ReadStringValue());
            }
            else if (Spelling(ref tokens, "safe_regex"u8, "safeRegex"u8) != FieldSpelling.None)
            {
                result = (EnvoyValueMatchKind.Regex, ReadStringProperty(ref tokens, "regex"u8));
            }
            else
            {
                tokens.Skip();
            }
        }

        return (result.Item1, result.Item2, ignoreCase);
    }

    /// <summary>With the current token the name of <c>metadata</c>: <c>filter_metadata.istio.config</c> when it is a string of bounded length.</summary>
    private static string? ReadIstioConfig(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        string? config = null;
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        while (tokens.NextProperty(depth))
        {
            if (Spelling(ref tokens, "filter_metadata"u8, "filterMetadata"u8) == FieldSpelling.None)
            {
                tokens.Skip();
                continue;
            }

            tokens.Expect();
            if (!tokens.EnterObject(out var filters))
            {
                continue;
            }

            while (tokens.NextProperty(filters))
            {
                if (tokens.NameIs("istio"u8))
                {
                    config = ReadConfigProperty(ref tokens) ?? config;
                }
                else
                {
                    tokens.Skip();
                }
            }
        }

        return config is { Length: > 0 } ? config : null;
    }

    // Routes of one generated VirtualService carry the same istio.config: the last one read is reused instead of
    // allocating a string per route (a 100 MB dump holds hundreds of thousands of routes).
    [ThreadStatic]
    private static string? _lastConfig;

    [ThreadStatic]
    private static byte[]? _lastConfigUtf8;

    /// <summary>With the current token the name of the <c>istio</c> struct: its <c>config</c> string when at most <see cref="IstioConfigLimit"/> bytes.</summary>
    private static string? ReadConfigProperty(ref JsonTokenStream tokens)
    {
        tokens.Expect();
        string? value = null;
        if (!tokens.EnterObject(out var depth))
        {
            return null;
        }

        while (tokens.NextProperty(depth))
        {
            if (!tokens.NameIs("config"u8))
            {
                tokens.Skip();
                continue;
            }

            tokens.Expect();
            if (tokens.TokenType != System.Text.Json.JsonTokenType.String || tokens.RawValue.Length > IstioConfigLimit)
            {
                tokens.Skip();
                value = null;
                continue;
            }

            if (!tokens.IsEscaped && _lastConfigUtf8 is { } last && tokens.RawValue.SequenceEqual(last))
            {
                value = _lastConfig;
                continue;
            }

            value = tokens.GetString();
            if (!tokens.IsEscaped)
            {
                (_lastConfig, _lastConfigUtf8) = (value, tokens.RawValue.ToArray());
            }
        }

        return value;
    }
}
