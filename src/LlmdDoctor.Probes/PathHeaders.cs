using System.Net.Http.Headers;

namespace LlmdDoctor.Probes;

/// <summary>
/// The response headers worth keeping because they show the path a request took: Envoy's (<c>server</c>,
/// <c>x-envoy-*</c>), the Endpoint Picker's (<c>x-went-into-resp-headers</c>, <c>x-gateway-destination-endpoint</c>),
/// the body type, and whether an auth challenge came back. Everything else (cookies, tokens) is dropped.
/// </summary>
internal static class PathHeaders
{
    private const int ValueLimit = 256;

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-gateway-destination-endpoint",
        "x-went-into-resp-headers",
        "server",
        "content-type",
        "www-authenticate",
    };

    public static bool IsAllowed(string name) =>
        Allowed.Contains(name) || name.StartsWith("x-envoy-", StringComparison.OrdinalIgnoreCase);

    public static SortedDictionary<string, string> Select(HttpResponseMessage response)
    {
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> all = response.Headers;
        if (response.Content is { } content)
        {
            all = all.Concat(content.Headers);
        }

        foreach (var (name, values) in all)
        {
            if (!IsAllowed(name))
            {
                continue;
            }

            var key = name.ToLowerInvariant();
            var value = key == "www-authenticate" ? SchemesOf(values) : string.Join(", ", values);
            kept[key] = value.Length <= ValueLimit ? value : value[..ValueLimit];
        }

        return kept;
    }

    /// <summary>Only the challenge schemes (<c>Bearer</c>, <c>Basic</c>): presence is what matters, realms and errors are not kept.</summary>
    private static string SchemesOf(IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => AuthenticationHeaderValue.TryParse(v, out var a) ? a.Scheme : "present").Distinct(StringComparer.Ordinal));
}
