namespace LlmdDoctor.Core.Cluster;

/// <summary>How an HTTPRoute match compares the path (Gateway API <c>HTTPPathMatch.type</c>).</summary>
public enum PathMatchKind
{
    Prefix,
    Exact,
    RegularExpression,
}

/// <summary>One header or query-parameter condition of a match: the value exactly, or a regular expression.</summary>
public sealed record ValueMatch(string Name, string Value, bool IsRegex)
{
    public string Describe() => IsRegex ? $"{Name}~{Value}" : $"{Name}={Value}";
}

/// <summary>
/// One <c>matches[]</c> entry of an HTTPRoute rule with Gateway API defaults applied (no path → PathPrefix <c>/</c>,
/// header and query types default to Exact). All conditions must hold for a request to match.
/// </summary>
public sealed record FlowMatch
{
    /// <summary>Upper bound on what a cluster-supplied value may add to a description.</summary>
    private const int DescribeLimit = 200;

    public required PathMatchKind PathKind { get; init; }

    /// <summary>The path value as the HTTPRoute writes it (<c>/</c> when the match names no path).</summary>
    public required string PathValue { get; init; }

    /// <summary>Header conditions, sorted by name (names compare case-insensitively).</summary>
    public IReadOnlyList<ValueMatch> Headers { get; init; } = [];

    public IReadOnlyList<ValueMatch> QueryParams { get; init; } = [];

    /// <summary>The HTTP method the match requires, when it requires one.</summary>
    public string? Method { get; init; }

    /// <summary>The match of a rule without <c>matches</c>: every request.</summary>
    public static FlowMatch Any { get; } = Prefix("/");

    public static FlowMatch Prefix(string path) => new() { PathKind = PathMatchKind.Prefix, PathValue = path };

    public static FlowMatch Exact(string path) => new() { PathKind = PathMatchKind.Exact, PathValue = path };

    /// <summary>The match with the defaults the Gateway API CRD applies.</summary>
    public static FlowMatch Of(HttpRouteMatch match) => new()
    {
        PathKind = match.Path?.Type switch
        {
            "Exact" => PathMatchKind.Exact,
            "RegularExpression" => PathMatchKind.RegularExpression,
            _ => PathMatchKind.Prefix,
        },
        PathValue = string.IsNullOrEmpty(match.Path?.Value) ? "/" : match.Path.Value,
        Headers = [.. match.Headers.Select(h => new ValueMatch(h.Name, h.Value, h.Type == "RegularExpression"))
            .OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase)],
        QueryParams = [.. match.QueryParams.Select(q => new ValueMatch(q.Name, q.Value, q.Type == "RegularExpression"))
            .OrderBy(q => q.Name, StringComparer.Ordinal)],
        Method = string.IsNullOrEmpty(match.Method) ? null : match.Method,
    };

    /// <summary>The match selects requests by more than the path (headers, query or method).</summary>
    public bool HasConditions => Headers.Count > 0 || QueryParams.Count > 0 || Method is not null;

    /// <summary>A prefix match of <c>/</c> with headers: a rule that routes by header alone (KServe model routing).</summary>
    public bool IsHeaderOnly => PathKind == PathMatchKind.Prefix && PathValue.TrimEnd('/').Length == 0 && Headers.Count > 0;

    /// <summary>The path with a prefix's trailing <c>/</c> trimmed (Gateway API: "a trailing / is ignored").</summary>
    public string NormalizedPath => PathKind == PathMatchKind.Prefix && PathValue != "/" ? PathValue.TrimEnd('/') : PathValue;

    /// <summary>Whether the path, method and exact header conditions accept a request (regex conditions never do: the doctor does not evaluate them).</summary>
    public bool Accepts(string method, string path, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var pathMatches = PathKind switch
        {
            PathMatchKind.Exact => path == PathValue,
            PathMatchKind.Prefix => NormalizedPath is var p && (p.Length <= 1 || path == p || path.StartsWith(p + "/", StringComparison.Ordinal)),
            _ => false,
        };
        return pathMatches
            && (Method is null || string.Equals(Method, method, StringComparison.Ordinal))
            && QueryParams.Count == 0
            && Headers.All(h => !h.IsRegex && headers.Any(s => string.Equals(s.Key, h.Name, StringComparison.OrdinalIgnoreCase) && s.Value == h.Value));
    }

    /// <summary>Why a probe cannot be written that this match accepts; null when one can.</summary>
    public string? UnprobeableReason()
    {
        if (PathKind == PathMatchKind.RegularExpression)
        {
            return "its path is a regular expression";
        }

        if (QueryParams.Count > 0)
        {
            return "it matches query parameters";
        }

        foreach (var header in Headers)
        {
            if (header.IsRegex)
            {
                return $"header {Bounded(header.Name)} is matched by a regular expression";
            }

            if (!IsToken(header.Name) || !IsSendableValue(header.Value))
            {
                return "a header it requires has a name or value that cannot be sent in an HTTP request";
            }
        }

        return null;
    }

    /// <summary>A one-line description: <c>PathPrefix /a/v1 header X-Gateway-Model-Name=m method POST</c>; cluster values are bounded.</summary>
    public string Describe()
    {
        var parts = new List<string>
        {
            $"{PathKind switch { PathMatchKind.Exact => "Exact", PathMatchKind.RegularExpression => "RegularExpression", _ => "PathPrefix" }} {Bounded(PathValue)}",
        };
        parts.AddRange(Headers.Select(h => $"header {Bounded(h.Describe())}"));
        parts.AddRange(QueryParams.Select(q => $"query {Bounded(q.Describe())}"));
        if (Method is not null)
        {
            parts.Add($"method {Bounded(Method)}");
        }

        return string.Join(' ', parts);
    }

    /// <summary>Same conditions (list order aside): what Istio makes one Envoy route of.</summary>
    public bool SameAs(FlowMatch other) =>
        PathKind == other.PathKind && NormalizedPath == other.NormalizedPath && Method == other.Method
        && SameSet(Headers, other.Headers, StringComparer.OrdinalIgnoreCase) && SameSet(QueryParams, other.QueryParams, StringComparer.Ordinal);

    private static bool SameSet(IReadOnlyList<ValueMatch> a, IReadOnlyList<ValueMatch> b, StringComparer names) =>
        a.Count == b.Count && a.All(x => b.Any(y => names.Equals(x.Name, y.Name) && x.Value == y.Value && x.IsRegex == y.IsRegex));

    // RFC 9110 token characters for a field name.
    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));

    // Visible ASCII, space and tab inside (no CR, LF, NUL or other controls; no leading/trailing whitespace, which
    // a client would strip and the match would then miss).
    private static bool IsSendableValue(string value) =>
        value.All(c => c == '\t' || (c >= ' ' && c < 127)) && value.Trim(' ', '\t').Length == value.Length;

    private static string Bounded(string value)
    {
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= DescribeLimit ? clean : clean[..DescribeLimit] + "…";
    }
}
