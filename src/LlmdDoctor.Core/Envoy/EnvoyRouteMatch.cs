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
public sealed record EnvoyValueMatcher(string Name, EnvoyValueMatchKind Kind, string? Value, bool Invert);
