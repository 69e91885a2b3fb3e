using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0302: an EnvoyFilter switching ext_proc away from FULL_DUPLEX_STREAMED exists, but a gateway outside its
/// reach is itself at risk of losing bodies — LLMD0301's conditions: FULL_DUPLEX_STREAMED, effective fail-open, an
/// Envoy that forwards a bodyless request (the seed cluster's <c>maas-gateway</c>). A gateway that merely streams
/// full-duplex fail-closed, or on an Envoy without the defect, is not at risk and is not reported.
/// Without a config dump its InferencePool routes are taken to run Istio's default, FULL_DUPLEX_STREAMED
/// (istio route.go, every release so far), failing open when the pool says FailOpen or the Istio release does not
/// copy the pool's failureMode to the route (before 1.27: route_collections.go @1.27.0 is the first to), on the
/// Envoy that Istio ships.
/// </summary>
public sealed class EnvoyFilterFixNotCoveringCheck : ICheck
{
    public string Name => "envoy.EnvoyFilterFixCoverage";
    public string Description => "gateways with full-duplex InferencePool routes that no ext_proc EnvoyFilter workaround selects";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyFilters, CheckInput.Gateways, CheckInput.HttpRoutes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.EnvoyFilterFixNotCovering];

    public void Run(CheckContext context)
    {
        var fixes = context.Cluster.EnvoyFilters.Select(EnvoyFilterExtProcView.Of).Where(v => v.IsBodyModeWorkaround)
            .OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
        if (fixes.Count == 0)
        {
            return;
        }

        var roots = EnvoyFilterSelection.RootNamespaces(context.Cluster);
        var envoy = GatewayEnvoyViews.Of(context.Inputs.Envoy);
        EnvoyRouteScan.SkipUnreadable(context, envoy);
        foreach (var gateway in context.Cluster.Gateways.OrderBy(g => g.Metadata.Key, StringComparer.Ordinal))
        {
            var key = gateway.Metadata.Key;
            if (envoy.IsUnreadable(key))
            {
                continue;
            }

            var (routes, modeSource) = FullDuplexPoolRoutes(context, envoy, key);
            if (routes.Count == 0)
            {
                continue;
            }

            var labels = EnvoyFilterSelection.GatewayPodLabels(context.Cluster, gateway);
            if (fixes.Any(f => EnvoyFilterSelection.Selects(f.Filter, gateway, labels, roots)))
            {
                continue;
            }

            var nearest = fixes.OrderBy(f => f.Filter.Metadata.Ns == gateway.Metadata.Ns ? 0 : 1).First();
            context.Report(FindingCatalog.EnvoyFilterFixNotCovering.At(Subject.Gateway(gateway.Metadata.Ns, gateway.Metadata.Name),
                ("gateway", key),
                ("envoyFilter", nearest.Key),
                ("patchedMode", nearest.PatchedMode),
                ("mode", BodySendMode.FullDuplexStreamed.ToEnvoyName()),
                ("modeSource", modeSource),
                ("routes", EnvoyRouteScan.Join(routes)),
                ("workloadSelector", Describe(nearest.Filter)),
                ("otherWorkarounds", EnvoyRouteScan.Join(fixes.Where(f => f != nearest).Select(f => f.Key)))));
        }
    }

    /// <summary>The first Istio release that copies the pool's failureMode into the route (route_collections.go:148 @1.27.0).</summary>
    private static readonly ComponentVersion PoolFailureModeSince = new(1, 27, 0);

    private static (List<string> Routes, string Source) FullDuplexPoolRoutes(CheckContext context, GatewayEnvoyViews envoy, string gatewayKey)
    {
        var issue = KnownExtProcIssues.FullDuplexFailOpenBodyLoss;
        var poolFlows = context.Inputs.Flows.Where(f => f.GatewayKey == gatewayKey && f.IsPoolRoute).ToList();
        var pods = envoy.ReadablePodsOf(gatewayKey);
        if (pods.Count == 0)
        {
            var istio = IstioVersions.Of(context.Cluster);
            var envoyOfIstio = IstioEnvoyVersions.EnvoyOf(istio);
            var atRisk = poolFlows.Where(f => (istio is not { } v || v < PoolFailureModeSince || f.Pool?.FailOpen != false) && issue.AffectsEnvoy(envoyOfIstio));
            return ([.. atRisk.Select(f => f.EnvoyRouteName)],
                $"Istio default for InferencePool routes (no config dump read; Istio {istio?.ToString() ?? "unknown"}, pool failureMode, Envoy {envoyOfIstio?.ToString() ?? "unknown"})");
        }

        var risky = poolFlows.Where(f => pods.FirstOrDefault(p => p.RoutesNamed(f.EnvoyRouteName).Count > 0) is { } pod
            && issue.MatchesConfig(pod.EffectiveExtProc(pod.RoutesNamed(f.EnvoyRouteName)[0])) && issue.AffectsEnvoy(pod.EnvoyVersion));
        return ([.. risky.Select(f => f.EnvoyRouteName)], "gateway config dump");
    }

    private static string Describe(EnvoyFilter filter) =>
        filter.Spec.TargetRefs.Count > 0
            ? "targetRefs " + string.Join(",", filter.Spec.TargetRefs.Select(r => $"{r.Kind}/{r.Name}"))
            : filter.Spec.WorkloadSelector?.Labels is { Count: > 0 } labels
                ? string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))
                : "(none)";
}
