using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Agent;

/// <summary>Keeps <c>firstSeen</c> across cycles: a finding seen again keeps its first time; one gone is forgotten.</summary>
public sealed class FindingTracker
{
    private Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);

    public IReadOnlyList<Finding> Track(IReadOnlyList<Finding> findings, DateTimeOffset now)
    {
        var next = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var result = new List<Finding>(findings.Count);
        foreach (var f in findings)
        {
            var first = _firstSeen.TryGetValue(f.Identity, out var seen) ? seen : now;
            next[f.Identity] = first;
            result.Add(f with { FirstSeen = first, LastSeen = now });
        }

        _firstSeen = next;
        return result;
    }
}
