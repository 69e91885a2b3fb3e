using LlmdDoctor.Core.Cluster;
namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// What ext_proc really does on one route of one gateway: the listener filter's settings with the route's
/// <c>ExtProcPerRoute</c> applied the way that Envoy version applies it.
/// </summary>
/// <param name="Active">ext_proc runs on the route (a filter is in the chain and the route does not disable it).</param>
/// <param name="Mode">The effective processing mode (the override's <c>processing_mode</c> replaces the filter's whole).</param>
/// <param name="FailOpen">Whether a failed ext_proc stream lets the request continue.</param>
/// <param name="FailOpenBasis">Where <see cref="FailOpen"/> came from, in words, for evidence.</param>
/// <param name="EndpointPickerCluster">The gRPC cluster of the ext_proc server (the EPP), never Istio's placeholder.</param>
public sealed record EffectiveExtProcMode(
    bool Active,
    ProcessingMode Mode,
    bool FailOpen,
    string FailOpenBasis,
    string? EndpointPickerCluster)
{
    /// <summary>
    /// <c>ExtProcOverrides.failure_mode_allow</c> (field 8) first shipped in Envoy 1.35 (envoy #40014,
    /// 2025-07-02); an older Envoy ignores it and only the filter's <c>failure_mode_allow</c> counts.
    /// </summary>
    public static readonly ComponentVersion PerRouteFailureModeAllowSince = new(1, 35, 0);

    /// <summary>No ext_proc on the route.</summary>
    public static EffectiveExtProcMode Inactive { get; } = new(false, ProcessingMode.Default, false, "no ext_proc filter applies", null);

    /// <summary>The request body mode that matters for the body reaching the model; NONE when inactive.</summary>
    public BodySendMode RequestBody => Active ? Mode.RequestBody : BodySendMode.None;

    /// <summary>Envoy's name of <see cref="RequestBody"/>: what the report's <c>effectiveBodyMode</c> shows.</summary>
    public string EffectiveBodyMode => RequestBody.ToEnvoyName();

    /// <summary>
    /// Combines the listener filter and the route's override. <paramref name="filter"/> null means no ext_proc
    /// filter in the chain (then a per-route config does nothing). <paramref name="envoyVersion"/> null means
    /// unknown: the per-route <c>failure_mode_allow</c> is assumed to apply and the basis says so.
    /// </summary>
    public static EffectiveExtProcMode Of(ExtProcFilter? filter, ExtProcPerRoute? perRoute, ComponentVersion? envoyVersion)
    {
        if (filter is null)
        {
            return Inactive;
        }

        if (perRoute is { Disabled: true })
        {
            return Inactive with { FailOpenBasis = "ext_proc disabled on the route" };
        }

        var mode = perRoute?.ProcessingMode ?? filter.ProcessingMode;
        var cluster = perRoute?.ClusterName is { Length: > 0 } routeCluster ? routeCluster
            : filter.HasPlaceholderCluster ? null : filter.ClusterName;
        var (failOpen, basis) = FailOpenOf(filter, perRoute, envoyVersion);
        return new EffectiveExtProcMode(true, mode, failOpen, basis, cluster);
    }

    private static (bool FailOpen, string Basis) FailOpenOf(ExtProcFilter filter, ExtProcPerRoute? perRoute, ComponentVersion? envoyVersion)
    {
        var filterBasis = $"filter failure_mode_allow={Bool(filter.FailureModeAllow)}";
        if (perRoute?.FailureModeAllow is not { } routeValue)
        {
            return (filter.FailureModeAllow, filterBasis);
        }

        if (envoyVersion is not { } version)
        {
            return (routeValue, $"route failure_mode_allow={Bool(routeValue)} (Envoy version unknown: assumed to apply)");
        }

        return version >= PerRouteFailureModeAllowSince
            ? (routeValue, $"route failure_mode_allow={Bool(routeValue)}")
            : (filter.FailureModeAllow, $"{filterBasis} (Envoy {version} ignores the route's failure_mode_allow={Bool(routeValue)}, envoy #40014)");
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
