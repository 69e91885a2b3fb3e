using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Core.Envoy;

/// <summary>A request as Envoy's router sees it: method, <c>:path</c> (with its query), Host and the other headers.</summary>
public sealed record EnvoyRequest(string Method, string PathAndQuery, string Host, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>What the route table does with one request: the virtual host it lands in and the first route that matches.</summary>
/// <param name="VirtualHost">The virtual host's name; null when no domain matched and there is no <c>*</c> host (Envoy: 404).</param>
/// <param name="HostMatch">How the Host was matched (<c>exact a.example.com</c>, <c>suffix *.example.com</c>, <c>default *</c>) or why not.</param>
/// <param name="Route">The route Envoy takes; null when none matches (Envoy answers 404, response flag NR).</param>
/// <param name="Position">1-based position of <see cref="Route"/> in its virtual host; 0 without one.</param>
/// <param name="Skipped">Earlier routes of the virtual host and why each did not match, in order (bounded).</param>
/// <param name="Caveats">Conditions the doctor could not evaluate as Envoy does (an RE2 expression .NET rejects, an unknown matcher).</param>
public sealed record EnvoyRouteSelection(
    string? VirtualHost,
    string HostMatch,
    EnvoyRoute? Route,
    int Position,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Caveats);

/// <summary>
/// Envoy's route matching over one route configuration as a config dump shows it, so a trace names the route Envoy
/// really takes rather than the one the HTTPRoute intended. Semantics from envoy
/// <c>source/common/router/config_impl.cc</c> @74fe3651 (<c>RouteMatcher::findVirtualHost</c>,
/// <c>VirtualHostImpl::getRouteFromRoutes</c>, the <c>*RouteEntryImpl::matches</c>) and
/// <c>source/common/common/matchers.cc</c> (<c>PathMatcher::match</c> drops the query and fragment):
/// <list type="bullet">
/// <item>Virtual host: the Host lower-cased (its port dropped when the route configuration sets
/// <c>ignore_port_in_host_matching</c>, which Istio does), then an exact domain, else the longest suffix wildcard
/// (<c>*.example.com</c>, which must be shorter than the Host), else the longest prefix wildcard (<c>example.*</c>), else
/// <c>*</c>.</item>
/// <item>Routes in order; the first whose path, headers and query parameters all hold wins.</item>
/// <item>Paths: <c>prefix</c> and <c>path</c> compare with <c>case_sensitive</c> (default true);
/// <c>path_separated_prefix</c> needs the end of the path or a <c>/</c> right after the prefix; <c>safe_regex</c> must
/// match the whole path.</item>
/// <item>Headers (<c>HeaderUtility::matchHeaders</c>): several values of one header are joined with <c>,</c>; a missing
/// header never matches, inverted or not, except <c>present_match</c>, whose result <c>invert_match</c> flips.</item>
/// <item>Query parameters (<c>QueryParameterMatcher</c>): the first value of the name, percent-decoded; a missing one never matches.</item>
/// </list>
/// Regular expressions: Envoy compiles them with RE2; the doctor uses .NET's non-backtracking engine, which like RE2
/// has no backreferences or lookarounds. Where they still differ (.NET's <c>\d</c> and <c>\w</c> are Unicode, RE2's
/// ASCII; RE2-only syntax such as <c>(?P&lt;name&gt;…)</c> that .NET rejects) the route is reported as a caveat,
/// never guessed.
/// </summary>
public sealed class EnvoyRouteMatcher
{
    private const int SkippedLimit = 32;
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(200);

    private readonly IReadOnlyList<EnvoyRoute> _routes;

    /// <param name="routes">The routes of one route configuration, in the dump's order.</param>
    public EnvoyRouteMatcher(IReadOnlyList<EnvoyRoute> routes) => _routes = routes;

    public EnvoyRouteSelection Select(EnvoyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hosts = _routes.GroupBy(r => r.VirtualHost, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        if (hosts.Count == 0)
        {
            return new EnvoyRouteSelection(null, "the route configuration has no virtual hosts", null, 0, [], []);
        }

        var ignorePort = _routes[0].IgnorePortInHostMatching;
        var host = (ignorePort ? WithoutPort(request.Host) : request.Host).ToLowerInvariant();
        var (vhost, how) = FindVirtualHost(hosts, host);
        if (vhost is null)
        {
            return new EnvoyRouteSelection(null, how, null, 0, [], []);
        }

        var skipped = new List<string>();
        var caveats = new List<string>();
        for (var i = 0; i < vhost.Count; i++)
        {
            var route = vhost[i];
            var why = WhyNot(route, request, caveats);
            if (why is null)
            {
                return new EnvoyRouteSelection(route.VirtualHost, how, route, i + 1, skipped, caveats);
            }

            if (skipped.Count < SkippedLimit)
            {
                skipped.Add($"{Bounded(route.Name)}: {why}");
            }
        }

        return new EnvoyRouteSelection(vhost[0].VirtualHost, how, null, 0, skipped, caveats);
    }

    /// <summary>Why <paramref name="route"/> does not take <paramref name="request"/>; null when it does.</summary>
    public static string? WhyNot(EnvoyRoute route, EnvoyRequest request, ICollection<string>? caveats = null)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(request);
        var (path, query) = SplitPath(request.PathAndQuery);
        if (route.PathMatch is not { } match)
        {
            caveats?.Add($"{Bounded(route.Name)}: its path condition is not one the doctor evaluates (no prefix, path, path_separated_prefix or safe_regex)");
            return "path condition not evaluated";
        }

        switch (PathMatches(match, path))
        {
            case false:
                return $"path {Describe(match)} does not match {Bounded(path)}";
            case null:
                caveats?.Add($"{Bounded(route.Name)}: RE2 expression {Bounded(match.Value)} cannot be evaluated by .NET");
                return "regular expression not evaluated";
        }

        foreach (var header in route.Headers)
        {
            var value = HeaderValue(request, header.Name);
            var holds = header.Kind == EnvoyValueMatchKind.Present
                ? (value is not null) != header.Invert
                : value is not null && ValueMatches(header, value) is var m && (m is null ? NotEvaluated(route, header, caveats) : m.Value != header.Invert);
            if (!holds)
            {
                return $"header {Describe(header)} does not hold ({(value is null ? "absent" : $"'{Bounded(value)}'")})";
            }
        }

        foreach (var parameter in route.QueryParameters)
        {
            var value = query.FirstOrDefault(q => q.Key == parameter.Name).Value;
            var holds = value is not null && (parameter.Kind == EnvoyValueMatchKind.Present
                || (ValueMatches(parameter, value) is var m && (m is null ? NotEvaluated(route, parameter, caveats) : m.Value)));
            if (!holds)
            {
                return $"query parameter {Describe(parameter)} does not hold ({(value is null ? "absent" : $"'{Bounded(value)}'")})";
            }
        }

        return null;
    }

    /// <summary>Whether the path (query already removed) satisfies <paramref name="match"/>; null when a regex cannot be evaluated.</summary>
    public static bool? PathMatches(EnvoyPathMatch match, string path)
    {
        ArgumentNullException.ThrowIfNull(match);
        var comparison = match.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return match.Kind switch
        {
            EnvoyPathMatchKind.Prefix => path.StartsWith(match.Value, comparison),
            EnvoyPathMatchKind.Exact => string.Equals(path, match.Value, comparison),
            EnvoyPathMatchKind.PathSeparatedPrefix => path.StartsWith(match.Value, comparison)
                && (path.Length == match.Value.Length || path[match.Value.Length] == '/'),
            _ => FullMatch(match.Value, path, ignoreCase: false),
        };
    }

    /// <summary><c>safe_regex</c> as RE2's full match; null when .NET cannot compile the expression or runs out of time.</summary>
    public static bool? FullMatch(string pattern, string input, bool ignoreCase)
    {
        try
        {
            var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return Regex.IsMatch(input, $"^(?:{pattern})\\z", options, RegexBudget);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static (IReadOnlyList<EnvoyRoute>? Host, string How) FindVirtualHost(List<List<EnvoyRoute>> hosts, string host)
    {
        List<EnvoyRoute>? fallback = null;
        (List<EnvoyRoute> Host, string Suffix)? suffix = null;
        (List<EnvoyRoute> Host, string Prefix)? prefix = null;
        foreach (var routes in hosts)
        {
            foreach (var raw in routes[0].Domains)
            {
                var domain = raw.ToLowerInvariant();
                if (domain == "*")
                {
                    fallback ??= routes;
                }
                else if (domain.StartsWith('*'))
                {
                    var tail = domain[1..];
                    // Envoy skips a wildcard at least as long as the Host: *.foo.com does not match .foo.com.
                    if (tail.Length < host.Length && host.EndsWith(tail, StringComparison.Ordinal) && (suffix is null || tail.Length > suffix.Value.Suffix.Length))
                    {
                        suffix = (routes, tail);
                    }
                }
                else if (domain.EndsWith('*'))
                {
                    var head = domain[..^1];
                    if (head.Length < host.Length && host.StartsWith(head, StringComparison.Ordinal) && (prefix is null || head.Length > prefix.Value.Prefix.Length))
                    {
                        prefix = (routes, head);
                    }
                }
                else if (domain == host)
                {
                    return (routes, $"domain {Bounded(raw)} of virtual host {Bounded(routes[0].VirtualHost)} (exact)");
                }
            }
        }

        return suffix is { } s ? (s.Host, $"domain *{Bounded(s.Suffix)} of virtual host {Bounded(s.Host[0].VirtualHost)} (suffix wildcard)")
            : prefix is { } p ? (p.Host, $"domain {Bounded(p.Prefix)}* of virtual host {Bounded(p.Host[0].VirtualHost)} (prefix wildcard)")
            : fallback is not null ? (fallback, $"domain * of virtual host {Bounded(fallback[0].VirtualHost)} (any host)")
            : (null, $"no virtual host has a domain matching Host {Bounded(host)} and none has *");
    }

    /// <summary>The Host without its port (Envoy <c>HeaderUtility::getPortStart</c>: a <c>:</c> after any IPv6 brackets).</summary>
    private static string WithoutPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > host.LastIndexOf(']') && colon >= 0 && host[(colon + 1)..].All(char.IsAsciiDigit) ? host[..colon] : host;
    }

    private static (string Path, List<KeyValuePair<string, string>> Query) SplitPath(string pathAndQuery)
    {
        var hash = pathAndQuery.IndexOf('#', StringComparison.Ordinal);
        var withoutFragment = hash >= 0 ? pathAndQuery[..hash] : pathAndQuery;
        var mark = withoutFragment.IndexOf('?', StringComparison.Ordinal);
        if (mark < 0)
        {
            return (withoutFragment, []);
        }

        var query = new List<KeyValuePair<string, string>>();
        foreach (var pair in withoutFragment[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            query.Add(eq < 0 ? new(Decode(pair), "") : new(Decode(pair[..eq]), Decode(pair[(eq + 1)..])));
        }

        return (withoutFragment[..mark], query);
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    private static string? HeaderValue(EnvoyRequest request, string name)
    {
        switch (name.ToLowerInvariant())
        {
            case ":method":
                return request.Method;
            case ":authority" or "host":
                return request.Host;
            case ":path":
                return request.PathAndQuery;
        }

        var values = request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(',', values);
    }

    private static bool? ValueMatches(EnvoyValueMatcher matcher, string value)
    {
        var comparison = matcher.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var expected = matcher.Value ?? "";
        return matcher.Kind switch
        {
            EnvoyValueMatchKind.Exact => string.Equals(value, expected, comparison),
            EnvoyValueMatchKind.Prefix => value.StartsWith(expected, comparison),
            EnvoyValueMatchKind.Suffix => value.EndsWith(expected, comparison),
            EnvoyValueMatchKind.Contains => value.Contains(expected, comparison),
            EnvoyValueMatchKind.Regex => FullMatch(expected, value, ignoreCase: false),
            _ => null,
        };
    }

    private static bool NotEvaluated(EnvoyRoute route, EnvoyValueMatcher matcher, ICollection<string>? caveats)
    {
        caveats?.Add($"{Bounded(route.Name)}: condition {Describe(matcher)} cannot be evaluated as Envoy does");
        return false;
    }

    private static string Describe(EnvoyPathMatch match) =>
        $"{match.Kind switch { EnvoyPathMatchKind.Exact => "path", EnvoyPathMatchKind.PathSeparatedPrefix => "path_separated_prefix", EnvoyPathMatchKind.Regex => "safe_regex", _ => "prefix" }} {Bounded(match.Value)}"
        + (match.CaseSensitive || match.Kind == EnvoyPathMatchKind.Regex ? "" : " (case-insensitive)");

    private static string Describe(EnvoyValueMatcher m) =>
        $"{(m.Invert ? "!" : "")}{Bounded(m.Name)}" + m.Kind switch
        {
            EnvoyValueMatchKind.Present => " present",
            EnvoyValueMatchKind.Exact => $"={Bounded(m.Value ?? "")}",
            EnvoyValueMatchKind.Prefix => $" prefix {Bounded(m.Value ?? "")}",
            EnvoyValueMatchKind.Suffix => $" suffix {Bounded(m.Value ?? "")}",
            EnvoyValueMatchKind.Contains => $" contains {Bounded(m.Value ?? "")}",
            EnvoyValueMatchKind.Regex => $"~{Bounded(m.Value ?? "")}",
            _ => " (matcher unknown to the doctor)",
        };

    /// <summary>A cluster- or user-supplied string for a message: control characters replaced, length bounded.</summary>
    private static string Bounded(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 160 ? clean : string.Create(CultureInfo.InvariantCulture, $"{clean[..160]}…");
    }
}
