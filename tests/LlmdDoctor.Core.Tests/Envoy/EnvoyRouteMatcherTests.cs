using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Core.Tests.Envoy;

/// <summary>
/// Envoy's route matching (config_impl.cc @74fe3651, matchers.cc): one table of single-route conditions, each with rows
/// that must match and rows that must NOT; then virtual host selection and route order.
/// </summary>
public sealed class EnvoyRouteMatcherTests
{
    private static EnvoyRoute Route(string name, EnvoyPathMatch? path, IReadOnlyList<EnvoyValueMatcher>? headers = null,
        IReadOnlyList<EnvoyValueMatcher>? query = null, string vhost = "*:443", IReadOnlyList<string>? domains = null, bool ignorePort = true) =>
        new("https.443.https.gw.ns", vhost, name, null, "c", null)
        {
            PathMatch = path,
            Headers = headers ?? [],
            QueryParameters = query ?? [],
            Domains = domains ?? ["*"],
            IgnorePortInHostMatching = ignorePort,
        };

    private static EnvoyRequest Request(string path, string method = "POST", string host = "gw.example.com", params string[] headers) =>
        new(method, path, host, [.. headers.Select(h => h.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1]))]);

    private static EnvoyPathMatch P(EnvoyPathMatchKind kind, string value, bool caseSensitive = true) => new(kind, value, caseSensitive);

    private static EnvoyValueMatcher H(string name, EnvoyValueMatchKind kind, string? value, bool invert = false, bool ignoreCase = false) =>
        new(name, kind, value, invert) { IgnoreCase = ignoreCase };

    public static TheoryData<string, EnvoyRoute, EnvoyRequest, bool> Conditions => new()
    {
        // prefix: a plain string prefix, query ignored
        { "prefix matches a longer segment", Route("r", P(EnvoyPathMatchKind.Prefix, "/m/v1")), Request("/m/v1x"), true },
        { "prefix ignores the query", Route("r", P(EnvoyPathMatchKind.Prefix, "/m")), Request("/m?x=1"), true },
        { "prefix is case-sensitive by default: NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/M")), Request("/m/v1"), false },
        { "prefix with case_sensitive false", Route("r", P(EnvoyPathMatchKind.Prefix, "/M", caseSensitive: false)), Request("/m/v1"), true },
        { "prefix longer than the path: NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/m/v1/chat")), Request("/m/v1"), false },

        // path_separated_prefix: only on a segment boundary
        { "separated prefix: the prefix itself", Route("r", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/qwen")), Request("/m/qwen"), true },
        { "separated prefix: a deeper path", Route("r", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/qwen")), Request("/m/qwen/v1/models"), true },
        { "separated prefix with a query", Route("r", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/qwen")), Request("/m/qwen?a=b"), true },
        { "separated prefix: NO match mid-segment", Route("r", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/qwen")), Request("/m/qwen3/v1/models"), false },

        // path: the whole path
        { "exact path", Route("r", P(EnvoyPathMatchKind.Exact, "/v1/chat/completions")), Request("/v1/chat/completions?x"), true },
        { "exact path: NO match with a trailing slash", Route("r", P(EnvoyPathMatchKind.Exact, "/v1/chat/completions")), Request("/v1/chat/completions/"), false },

        // safe_regex: the whole path
        { "regex over the whole path", Route("r", P(EnvoyPathMatchKind.Regex, "/m/[a-z0-9-]+/v1/.*")), Request("/m/qwen3/v1/models"), true },
        { "regex: NO partial match", Route("r", P(EnvoyPathMatchKind.Regex, "/m/[a-z]+")), Request("/m/qwen/v1"), false },
        { "regex: NO match of a trailing newline ($ is not \\z)", Route("r", P(EnvoyPathMatchKind.Regex, "/a$")), Request("/a\n"), false },
        { "RE2 named group .NET rejects: NOT matched, reported", Route("r", P(EnvoyPathMatchKind.Regex, "/(?P<m>[a-z]+)")), Request("/abc"), false },

        // headers
        { "method as :method", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H(":method", EnvoyValueMatchKind.Exact, "POST")]), Request("/x"), true },
        { "method as :method: NO match for GET", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H(":method", EnvoyValueMatchKind.Exact, "POST")]), Request("/x", "GET"), false },
        { "header exact, name case-insensitive", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("X-Gateway-Model-Name", EnvoyValueMatchKind.Exact, "a/b")]), Request("/x", headers: "x-gateway-model-name:a/b"), true },
        { "header exact: NO match on another value", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a")]), Request("/x", headers: "x-m:A"), false },
        { "header exact ignore_case", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a", ignoreCase: true)]), Request("/x", headers: "x-m:A"), true },
        { "header values joined with a comma", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a,b")]), Request("/x", headers: ["x-m:a", "x-m:b"]), true },
        { "header regex", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Regex, "qwen.*")]), Request("/x", headers: "x-m:qwen3"), true },
        { "header absent: NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a")]), Request("/x"), false },
        { "inverted header absent: still NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a", invert: true)]), Request("/x"), false },
        { "inverted header with another value", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Exact, "a", invert: true)]), Request("/x", headers: "x-m:b"), true },
        { "present", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Present, null)]), Request("/x", headers: "x-m:"), true },
        { "inverted present with the header absent", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Present, null, invert: true)]), Request("/x"), true },
        { "inverted present with the header there: NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), [H("x-m", EnvoyValueMatchKind.Present, null, invert: true)]), Request("/x", headers: "x-m:1"), false },

        // query parameters
        { "query exact, percent-decoded", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), query: [H("model", EnvoyValueMatchKind.Exact, "a/b")]), Request("/x?model=a%2Fb"), true },
        { "query: the first value counts", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), query: [H("v", EnvoyValueMatchKind.Exact, "1")]), Request("/x?v=1&v=2"), true },
        { "query: NO match on the second value only", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), query: [H("v", EnvoyValueMatchKind.Exact, "2")]), Request("/x?v=1&v=2"), false },
        { "query absent: NO match", Route("r", P(EnvoyPathMatchKind.Prefix, "/"), query: [H("v", EnvoyValueMatchKind.Present, null)]), Request("/x"), false },

        { "no path condition the doctor reads: NOT matched", Route("r", null), Request("/x"), false },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void One_route_matches_as_Envoy_evaluates_it(string row, EnvoyRoute route, EnvoyRequest request, bool matches)
    {
        var why = EnvoyRouteMatcher.WhyNot(route, request);
        Assert.True(matches == (why is null), $"{row}: {why ?? "matched"}");
    }

    [Fact]
    public void A_regex_net_cannot_read_is_a_caveat_not_a_guess()
    {
        var selection = new EnvoyRouteMatcher([Route("re2", P(EnvoyPathMatchKind.Regex, "/(?P<m>[a-z]+)")), Route("all", P(EnvoyPathMatchKind.Prefix, "/"))])
            .Select(Request("/abc"));
        Assert.Equal("all", selection.Route?.Name);
        Assert.Contains(selection.Caveats, c => c.Contains("RE2", StringComparison.Ordinal));
    }

    [Fact]
    public void The_first_matching_route_wins_and_the_earlier_ones_say_why_not()
    {
        var selection = new EnvoyRouteMatcher(
        [
            Route("chat", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/q/v1/chat/completions")),
            Route("models-shadow", P(EnvoyPathMatchKind.Prefix, "/m/q")),
            Route("catch-all", P(EnvoyPathMatchKind.PathSeparatedPrefix, "/m/q/v1")),
        ]).Select(Request("/m/q/v1/completions"));

        Assert.Equal(("models-shadow", 2), (selection.Route?.Name, selection.Position));
        Assert.Equal(["chat: path path_separated_prefix /m/q/v1/chat/completions does not match /m/q/v1/completions"], selection.Skipped);
    }

    [Fact]
    public void No_route_matching_is_null_with_every_reason()
    {
        var selection = new EnvoyRouteMatcher([Route("a", P(EnvoyPathMatchKind.Prefix, "/a")), Route("b", P(EnvoyPathMatchKind.Exact, "/b"))])
            .Select(Request("/c"));
        Assert.Null(selection.Route);
        Assert.Equal("*:443", selection.VirtualHost);
        Assert.Equal(2, selection.Skipped.Count);
    }

    public static TheoryData<string, string, bool, string?> Hosts => new()
    {
        // row, Host, ignore_port_in_host_matching, expected virtual host (null: none)
        { "exact domain beats every wildcard", "api.example.com", true, "exact" },
        { "exact domain, Host upper-case", "API.Example.COM", true, "exact" },
        { "the longest suffix wildcard", "x.api.example.com", true, "suffix-long" },
        { "a shorter suffix wildcard", "x.example.com", true, "suffix-short" },
        { "suffix wildcard NOT matching the bare suffix", ".example.com", true, "default" },
        { "prefix wildcard when no suffix fits", "example.org", true, "prefix" },
        { "anything else lands in *", "other.net", true, "default" },
        { "port dropped with ignore_port_in_host_matching", "api.example.com:8443", true, "exact" },
        { "port kept without it: NOT the exact domain", "api.example.com:8443", false, "suffix-short" },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void The_virtual_host_is_chosen_exact_then_suffix_then_prefix_then_any(string row, string host, bool ignorePort, string? expected)
    {
        EnvoyRoute In(string vhost, params string[] domains) => Route(vhost, P(EnvoyPathMatchKind.Prefix, "/"), vhost: vhost, domains: domains, ignorePort: ignorePort);
        var matcher = new EnvoyRouteMatcher(
        [
            In("default", "*"),
            In("suffix-short", "*.example.com", "*.example.com:8443"),
            In("prefix", "example.*"),
            In("suffix-long", "*.api.example.com"),
            In("exact", "api.example.com"),
        ]);

        var selection = matcher.Select(Request("/", host: host));
        Assert.True(expected == selection.VirtualHost, $"{row}: {selection.VirtualHost} ({selection.HostMatch})");
    }

    [Fact]
    public void Without_a_star_host_an_unknown_Host_reaches_no_virtual_host()
    {
        var selection = new EnvoyRouteMatcher([Route("r", P(EnvoyPathMatchKind.Prefix, "/"), vhost: "a", domains: ["a.example.com"])])
            .Select(Request("/", host: "b.example.com"));
        Assert.Null(selection.VirtualHost);
        Assert.Null(selection.Route);
        Assert.Contains("no virtual host", selection.HostMatch, StringComparison.Ordinal);
    }
}
