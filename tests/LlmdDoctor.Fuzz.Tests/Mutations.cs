using System.Text;
using CsCheck;

namespace LlmdDoctor.Fuzz.Tests;

/// <summary>One edit of a seed text: what (<see cref="Kind"/>), where (a fraction of the length), how much, with which token.</summary>
public sealed record Mutation(int Kind, double At, double Amount, int Token)
{
    public override string ToString() => $"new({Kind}, {At:R}, {Amount:R}, {Token})";
}

/// <summary>A seed (by index) and the edits applied to it in order; shrinks toward fewer and smaller edits.</summary>
public sealed record Mutated(int Seed, Mutation[] Edits)
{
    public string Apply(IReadOnlyList<string> seeds) => Mutations.Apply(seeds[Seed % seeds.Count], Edits);

    public override string ToString() => $"new Mutated({Seed}, [{string.Join(", ", Edits.Select(e => e.ToString()))}])";
}

/// <summary>
/// Structure-aware mutations of valid inputs (YAML, JSON, config dumps): the tokens are what breaks parsers — unbalanced
/// brackets, anchors and aliases, merge keys, tags, duplicate keys, huge and non-finite numbers, lone surrogates, NUL,
/// document markers, deep nesting.
/// </summary>
public static class Mutations
{
    public static readonly string[] Tokens =
    [
        "{", "}", "[", "]", "\"", "'", ":", ",", "\n", "- ", "  ", "\t", "#", "---\n", "...\n", "? ", "|\n", ">\n",
        "&a ", "*a", "<<: *a\n", "&a [*a, *a, *a, *a]", "!!binary ", "!!int ", "!custom ", "%YAML 1.2\n", "%TAG ! tag:x:\n",
        "\0", "\uFFFF", "\uD800", "\u202E", "\u001B[31m", "\r\n", "\r",
        "1e999", "-1e999", "NaN", ".nan", ".inf", "-0", "99999999999999999999999", "0x7fffffffffffffff", "0o777", "1_000",
        "null", "~", "true", "yes", "\"\\u0000\"", "\"\\ud800\"", "\"\\x41\"",
        "{\"a\":1,\"a\":2}", "kind: List\nitems:\n", "apiVersion: v1\nkind: Pod\n", "metadata: {name: x, name: y}\n",
        "\"@type\": \"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\"", "\"configs\": [", "\"typed_config\": {",
    ];

    private static readonly Gen<Mutation> Edit = Gen.Select(Gen.Int[0, 5], Gen.Double.Unit, Gen.Double.Unit, Gen.Int[0, Tokens.Length - 1],
        (kind, at, amount, token) => new Mutation(kind, at, amount, token));

    /// <summary>A seed index and up to <paramref name="maxEdits"/> edits.</summary>
    public static Gen<Mutated> Of(int seeds, int maxEdits = 6) =>
        Gen.Select(Gen.Int[0, seeds - 1], Edit.Array[0, maxEdits], (seed, edits) => new Mutated(seed, edits));

    public static string Apply(string text, IEnumerable<Mutation> edits)
    {
        var s = new StringBuilder(text);
        foreach (var e in edits)
        {
            var at = (int)(e.At * s.Length);
            var token = Tokens[e.Token % Tokens.Length];
            switch (e.Kind)
            {
                case 0:
                    s.Insert(at, token);
                    break;
                case 1:
                    s.Remove(at, Math.Min(s.Length - at, 1 + (int)(e.Amount * 64)));
                    break;
                case 2:
                    var length = Math.Min(s.Length - at, (int)(e.Amount * 4096));
                    s.Insert((int)(e.Amount * s.Length), s.ToString(at, length));
                    break;
                case 3:
                    s.Length = at;
                    break;
                case 4:
                    if (at < s.Length)
                    {
                        s[at] = token[0];
                    }

                    break;
                default:
                    // Repeated: deep nesting ("[" × 3000), long runs, many aliases.
                    s.Insert(at, string.Concat(Enumerable.Repeat(token, 1 + (int)(e.Amount * 3000))));
                    break;
            }
        }

        return s.ToString();
    }
}
