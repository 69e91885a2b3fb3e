using System.Text.Json.Nodes;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>The API server's label selector syntax: <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms = [];

    public static LabelSelector Parse(string text)
    {
        var query = new LabelSelector();
        foreach (var raw in Split(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            if (term.Contains(" notin ", StringComparison.Ordinal) || term.Contains(" in ", StringComparison.Ordinal))
            {
                var negate = term.Contains(" notin ", StringComparison.Ordinal);
                var parts = term.Split(negate ? " notin " : " in ", 2);
                var key = parts[0].Trim();
                var values = parts[1].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim()).ToHashSet();
                query._terms.Add(l => l.TryGetValue(key, out var v) ? values.Contains(v) != negate : negate);
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var parts = term.Split("!=", 2);
                query._terms.Add(l => !l.TryGetValue(parts[0].Trim(), out var v) || v != parts[1].Trim());
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var parts = term.Split('=', 2);
                var value = parts[1].TrimStart('=').Trim();
                query._terms.Add(l => l.TryGetValue(parts[0].Trim(), out var v) && v == value);
            }
            else if (term.StartsWith('!'))
            {
                query._terms.Add(l => !l.ContainsKey(term[1..]));
            }
            else
            {
                query._terms.Add(l => l.ContainsKey(term));
            }
        }

        return query;
    }

    public bool Matches(JsonObject obj) => _terms.All(t => t(ClusterModel.StringMap(obj["metadata"]?["labels"] as JsonObject)));

    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
