using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// Which gateways an EnvoyFilter reaches, as Istio decides it: the filter must live in the gateway's namespace
/// or in the mesh root namespace; <c>targetRefs</c> name Gateways directly; otherwise <c>workloadSelector</c>
/// labels must all be on the gateway pods (no selector: every workload in scope).
/// </summary>
public static class EnvoyFilterSelection
{
    /// <summary>Istio's default <c>meshConfig.rootNamespace</c>.</summary>
    public const string DefaultRootNamespace = "istio-system";

    /// <summary>Root namespaces to honour: Istio's default and every control plane's namespace.</summary>
    public static IReadOnlySet<string> RootNamespaces(ClusterSnapshot cluster)
    {
        var set = new HashSet<string>(StringComparer.Ordinal) { DefaultRootNamespace };
        foreach (var controlPlane in cluster.IstioControlPlanes)
        {
            if (controlPlane.Spec.Namespace is { Length: > 0 } ns)
            {
                set.Add(ns);
            }
        }

        return set;
    }

    /// <summary>
    /// The label sets of the gateway's pods, or — when no pod of it was collected — the one label Istio puts on
    /// every gateway pod (<c>gateway.networking.k8s.io/gateway-name</c>).
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> GatewayPodLabels(ClusterSnapshot cluster, Gateway gateway)
    {
        var pods = cluster.GatewayPods(gateway).Select(p => (IReadOnlyDictionary<string, string>)p.Metadata.Labels).ToList();
        return pods.Count > 0
            ? pods
            : [new Dictionary<string, string>(StringComparer.Ordinal) { [ClusterSnapshot.GatewayNameLabel] = gateway.Metadata.Name }];
    }

    /// <summary>Whether <paramref name="filter"/> applies to the pods of <paramref name="gateway"/>.</summary>
    public static bool Selects(
        EnvoyFilter filter,
        Gateway gateway,
        IReadOnlyList<IReadOnlyDictionary<string, string>> gatewayPodLabels,
        IReadOnlySet<string> rootNamespaces)
    {
        var ns = filter.Metadata.Ns;
        var sameNamespace = ns == gateway.Metadata.Ns;
        if (!sameNamespace && !rootNamespaces.Contains(ns))
        {
            return false;
        }

        if (filter.Spec.TargetRefs.Count > 0)
        {
            return sameNamespace && filter.Spec.TargetRefs.Any(r =>
                r.Kind == "Gateway" && (r.Group is null or "" or "gateway.networking.k8s.io") && r.Name == gateway.Metadata.Name);
        }

        var labels = filter.Spec.WorkloadSelector?.Labels;
        if (labels is null || labels.Count == 0)
        {
            return true;
        }

        return gatewayPodLabels.Any(podLabels =>
            labels.All(kv => podLabels.TryGetValue(kv.Key, out var value) && value == kv.Value));
    }
}
