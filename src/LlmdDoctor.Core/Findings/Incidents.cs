using System.Security.Cryptography;
using System.Text;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Findings;

/// <summary>A finding inside an incident: the finding that explains it (none for the root) and its distance from the root.</summary>
public sealed record IncidentMember(Finding Finding, Finding? Cause, int Depth, FindingRelations Relations);

/// <summary>
/// One story: a root-cause finding (with its repeats on the same subject, e.g. one per route) and every finding it
/// explains through <see cref="CausalRules"/>. A finding no rule links is an incident of its own.
/// </summary>
public sealed record Incident(string Id, Finding Root, IReadOnlyList<IncidentMember> Members, IReadOnlyList<string> Chain)
{
    public Severity Severity => Members.Max(m => m.Finding.Severity);

    /// <summary>Gateways (<c>ns/name</c>) of the root and its symptoms.</summary>
    public IReadOnlyList<string> Gateways =>
        [.. Members.SelectMany(m => m.Relations[Relation.Gateway]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> Models =>
        [.. Members.SelectMany(m => m.Relations.Models).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The id of an incident: the root's code and subject, hashed. It stays the same from cycle to cycle while that
    /// finding is the root, whatever its symptoms do.
    /// </summary>
    public static string IdOf(Finding root)
    {
        var s = root.Subject;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{root.Code}|{s.Group}|{s.Kind}|{s.Namespace}|{s.Name}"));
        return "inc-" + Convert.ToHexStringLower(hash)[..12];
    }
}

/// <summary>Groups findings into incidents with <see cref="CausalRules"/> (pure: findings and flows in, incidents out).</summary>
public static class IncidentBuilder
{
    /// <summary>
    /// Each finding takes as its cause the linked finding deepest in its own chain (the most specific explanation);
    /// ties go to the rule listed first, then to the earlier finding. Roots of one code on one subject are one
    /// incident. Incidents come worst first, then in the order of their roots in <paramref name="findings"/>.
    /// </summary>
    public static IReadOnlyList<Incident> Build(IReadOnlyList<Finding> findings, IReadOnlyList<RequestFlow> flows)
    {
        var relations = findings.Select(f => FindingRelations.Of(f, flows)).ToArray();
        var rank = CodeRanks();
        var cause = new int[findings.Count];
        var depth = new int[findings.Count];
        var byCode = Enumerable.Range(0, findings.Count).ToLookup(i => findings[i].Code, StringComparer.Ordinal);
        var rulesByEffect = CausalRules.All.Select((rule, order) => (rule, order)).ToLookup(x => x.rule.Effect.Code, StringComparer.Ordinal);
        foreach (var i in Enumerable.Range(0, findings.Count).OrderBy(i => rank.GetValueOrDefault(findings[i].Code)).ThenBy(i => i))
        {
            var best = (Index: -1, Depth: -1, Rule: int.MaxValue);
            foreach (var (rule, order) in rulesByEffect[findings[i].Code])
            {
                foreach (var j in byCode[rule.Cause.Code])
                {
                    if (rule.Relations.All(r => FindingRelations.Share(relations[j], relations[i], r))
                        && (rule.When?.Invoke(findings[j], findings[i]) ?? true)
                        && (depth[j] > best.Depth || (depth[j] == best.Depth && (order < best.Rule || (order == best.Rule && j < best.Index)))))
                    {
                        best = (j, depth[j], order);
                    }
                }
            }

            cause[i] = best.Index;
            depth[i] = best.Index < 0 ? 0 : depth[best.Index] + 1;
        }

        int RootOf(int i)
        {
            while (cause[i] >= 0)
            {
                i = cause[i];
            }

            return i;
        }

        var incidents = new List<(Incident Incident, int Order)>();
        foreach (var group in Enumerable.Range(0, findings.Count).GroupBy(i => Incident.IdOf(findings[RootOf(i)]), StringComparer.Ordinal))
        {
            var members = group.Select(i => new IncidentMember(findings[i], cause[i] < 0 ? null : findings[cause[i]], depth[i], relations[i])).ToList();
            var rootIndex = group.Where(i => cause[i] < 0).Min();
            incidents.Add((new Incident(group.Key, findings[rootIndex], members, Chain(group.ToList(), findings, cause, depth)), rootIndex));
        }

        return [.. incidents.OrderByDescending(x => x.Incident.Severity).ThenBy(x => x.Order).Select(x => x.Incident)];
    }

    /// <summary>
    /// The codes from the root to the deepest member, preferring one a client, dashboard or alert shows
    /// (<see cref="CausalRules.Observed"/>), then the worst, then the first.
    /// </summary>
    private static List<string> Chain(List<int> members, IReadOnlyList<Finding> findings, int[] cause, int[] depth)
    {
        var end = members
            .OrderByDescending(i => depth[i])
            .ThenByDescending(i => CausalRules.Observed.Contains(findings[i].Code))
            .ThenByDescending(i => findings[i].Severity)
            .ThenBy(i => i)
            .First();
        var chain = new List<string>();
        for (var i = end; i >= 0; i = cause[i])
        {
            chain.Insert(0, findings[i].Code);
        }

        return chain;
    }

    /// <summary>Longest distance of each code from a code no rule explains: causes always come before their effects.</summary>
    public static IReadOnlyDictionary<string, int> CodeRanks()
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        var changed = true;
        for (var pass = 0; changed; pass++)
        {
            if (pass > CausalRules.All.Count)
            {
                throw new InvalidOperationException("CausalRules has a cycle");
            }

            changed = false;
            foreach (var rule in CausalRules.All)
            {
                var want = rank.GetValueOrDefault(rule.Cause.Code) + 1;
                if (rank.GetValueOrDefault(rule.Effect.Code) < want)
                {
                    rank[rule.Effect.Code] = want;
                    changed = true;
                }
            }
        }

        return rank;
    }
}
