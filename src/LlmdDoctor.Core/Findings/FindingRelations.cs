using System.Text.RegularExpressions;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Findings;

/// <summary>
/// The objects a finding is about, by <see cref="Relation"/>: read from its subject and evidence, and completed from
/// the request flows (a probe on an HTTPRoute reaches that route's InferencePool and its Endpoint Picker).
/// </summary>
public sealed partial class FindingRelations
{
    private readonly Dictionary<Relation, HashSet<string>> keys = [];

    /// <summary>Models the finding concerns: its <c>model</c> evidence, or the models of the flows it relates to.</summary>
    public SortedSet<string> Models { get; } = new(StringComparer.Ordinal);

    public IReadOnlySet<string> this[Relation relation] => keys.TryGetValue(relation, out var set) ? set : Empty;

    private static readonly HashSet<string> Empty = [];

    /// <summary>True when <paramref name="cause"/> and <paramref name="effect"/> share a key of <paramref name="relation"/>.</summary>
    public static bool Share(FindingRelations cause, FindingRelations effect, Relation relation) => relation switch
    {
        Relation.Cluster => true,
        Relation.QueriedNamespace => cause[Relation.Namespace].Overlaps(effect[Relation.QueriedNamespace]),
        _ => cause[relation].Overlaps(effect[relation]),
    };

    public static FindingRelations Of(Finding finding, IReadOnlyList<RequestFlow> flows)
    {
        var r = new FindingRelations();
        var s = finding.Subject;
        r.Add(Relation.Subject, $"{s.Group}|{s.Kind}|{s.Key}");
        r.Add(Relation.Namespace, s.Namespace);
        switch (s.Kind)
        {
            case "Gateway": r.Add(Relation.Gateway, s.Key); break;
            case "HTTPRoute": r.Add(Relation.HttpRoute, s.Key); break;
            case "InferencePool": r.Add(Relation.Pool, s.Key); break;
            case "LLMInferenceService": r.Add(Relation.Owner, $"{s.Kind} {s.Key}"); break;
        }

        var e = finding.Evidence;
        r.Add(Relation.Gateway, e.GetValueOrDefault("gateway"));
        r.Add(Relation.HttpRoute, e.GetValueOrDefault("httpRoute"));
        if (e.GetValueOrDefault("route") is { Length: > 0 } route)
        {
            // Envoy route names carry no '/'; HTTPRoute checks put the route's ns/name there.
            r.Add(route.Contains('/', StringComparison.Ordinal) ? Relation.HttpRoute : Relation.EnvoyRoute, route);
        }

        r.Add(Relation.Pool, e.GetValueOrDefault("pool"));
        r.Add(Relation.EndpointPicker, e.GetValueOrDefault("epp"));
        r.Add(Relation.EndpointPicker, EppOfCluster(e.GetValueOrDefault("eppCluster")));
        r.Add(Relation.EndpointPicker, EppOfCluster(e.GetValueOrDefault("cluster")));
        r.Add(Relation.Owner, e.GetValueOrDefault("owner"));
        r.Add(Relation.Namespace, e.GetValueOrDefault("namespace"));
        r.Add(Relation.Issue, e.GetValueOrDefault("issue"));
        if (e.GetValueOrDefault("query") is { Length: > 0 } query)
        {
            foreach (Match m in QueriedNamespaceRegex().Matches(query))
            {
                r.Add(Relation.QueriedNamespace, m.Groups[1].Value);
            }
        }

        if (e.GetValueOrDefault("model") is { Length: > 0 } model)
        {
            r.Models.Add(model);
        }

        foreach (var flow in flows.Where(r.Reaches))
        {
            if (flow.IsPoolRoute && flow.PrimaryBackend is { } pool)
            {
                r.Add(Relation.Pool, $"{pool.Namespace}/{pool.Name}");
                r.Add(Relation.EndpointPicker, flow.EndpointPicker);
            }

            if (finding.Evidence.ContainsKey("model") is false && flow.Model is { } flowModel)
            {
                r.Models.Add(flowModel);
            }
        }

        return r;
    }

    /// <summary>
    /// A flow the finding is about: one of its HTTPRoute (on its gateway, when it names one), or for a pool finding one
    /// that sends to the pool.
    /// </summary>
    private bool Reaches(RequestFlow flow)
    {
        if (this[Relation.HttpRoute].Contains(flow.RouteKey))
        {
            return this[Relation.Gateway].Count == 0 || this[Relation.Gateway].Contains(flow.GatewayKey);
        }

        return flow.IsPoolRoute && flow.PrimaryBackend is { } b && this[Relation.Pool].Contains($"{b.Namespace}/{b.Name}");
    }

    /// <summary><c>ns/service</c> of an Istio EPP cluster name <c>outbound|9002||svc.ns.svc.cluster.local</c>.</summary>
    public static string? EppOfCluster(string? cluster)
    {
        if (cluster is null || cluster.Split('|') is not [_, _, _, var host] || host.Split('.') is not [var service, var ns, ..])
        {
            return null;
        }

        return $"{ns}/{service}";
    }

    private void Add(Relation relation, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return;
        }

        if (!keys.TryGetValue(relation, out var set))
        {
            keys[relation] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(key);
    }

    [GeneratedRegex(@"namespace\s*=~?\s*""([^""]+)""")]
    private static partial Regex QueriedNamespaceRegex();
}
