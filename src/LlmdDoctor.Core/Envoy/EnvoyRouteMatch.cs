namespace LlmdDoctor.Core.Envoy;

/// <summary>How an Envoy <c>HeaderMatcher</c> or <c>QueryParameterMatcher</c> compares (its <c>string_match</c> or legacy specifier).</summary>
public enum EnvoyValueMatchKind
{
    Exact,
    Prefix,
    Suffix,
    Contains,
    Regex,
    Present,
    Other,
}

/// <summary>One header or query-parameter condition of an Envoy route match.</summary>
/// <param name="Name">The header (<c>:method</c> for a method match) or parameter name.</param>
/// <param name="Kind">How the value is compared.</param>
/// <param name="Value">The value, regex or prefix; null for <see cref="EnvoyValueMatchKind.Present"/>.</param>
/// <param name="Invert"><c>invert_match</c>: the route matches when the condition does not hold.</param>
public sealed record EnvoyValueMatcher(string Name, EnvoyValueMatchKind Kind, string? Value, bool Invert)
{
    /// <summary><c>string_match.ignore_case</c> (exact, prefix, suffix and contains only; Envoy rejects it on a regex).</summary>
    public bool IgnoreCase { get; init; }
}

/// <summary>Which <c>RouteMatch.path_specifier</c> a route uses.</summary>
public enum EnvoyPathMatchKind
{
    /// <summary><c>prefix</c>: the path starts with the value (<c>/a</c> matches <c>/abc</c>).</summary>
    Prefix,

    /// <summary><c>path</c>: the whole path equals the value.</summary>
    Exact,

    /// <summary><c>path_separated_prefix</c>: the value, then the end of the path or a <c>/</c> (<c>/a</c> matches <c>/a/b</c>, not <c>/abc</c>).</summary>
    PathSeparatedPrefix,

    /// <summary><c>safe_regex</c>: an RE2 expression that must match the whole path.</summary>
    Regex,
}

/// <summary>The path condition of an Envoy route as Envoy evaluates it.</summary>
/// <param name="Kind">The path specifier.</param>
/// <param name="Value">The prefix, path or regular expression.</param>
/// <param name="CaseSensitive"><c>RouteMatch.case_sensitive</c> (default true; not applied to <c>safe_regex</c>).</param>
public sealed record EnvoyPathMatch(EnvoyPathMatchKind Kind, string Value, bool CaseSensitive = true);
