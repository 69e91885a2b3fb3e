using LlmdDoctor.Core.Cluster;
namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// A known Envoy/Istio defect that bites when a route's effective ext_proc configuration and the proxy's
/// version match. Rules are data: add one here, with its sources, and the checks pick it up.
/// </summary>
/// <param name="Id">Stable identifier shown as <c>issue</c> evidence.</param>
/// <param name="Summary">What goes wrong, in one sentence.</param>
/// <param name="RequestBodyMode">The effective request body mode the defect needs.</param>
/// <param name="RequiresFailOpen">Whether it needs the effective fail-open.</param>
/// <param name="FixedInEnvoy">The first Envoy version without the defect.</param>
/// <param name="AffectedReleases">Which Istio/OSSM releases ship affected proxies, for the reader.</param>
/// <param name="Remedy">What to do about it.</param>
/// <param name="Sources">Upstream issues and pull requests that establish it.</param>
public sealed record KnownExtProcIssue(
    string Id,
    string Summary,
    BodySendMode RequestBodyMode,
    bool RequiresFailOpen,
    ComponentVersion FixedInEnvoy,
    string AffectedReleases,
    string Remedy,
    IReadOnlyList<string> Sources)
{
    /// <summary>Whether the route's effective configuration is the one the defect needs.</summary>
    public bool MatchesConfig(EffectiveExtProcMode mode) =>
        mode.Active && mode.RequestBody == RequestBodyMode && (!RequiresFailOpen || mode.FailOpen);

    /// <summary>Whether that Envoy has the defect; an unknown version counts as affected.</summary>
    public bool AffectsEnvoy(ComponentVersion? envoy) => envoy is not { } v || v < FixedInEnvoy;
}

/// <summary>The known ext_proc issues the doctor recognises.</summary>
public static class KnownExtProcIssues
{
    /// <summary>
    /// In FULL_DUPLEX_STREAMED Envoy keeps no copy of the body chunks it streams to the ext_proc server and
    /// forwards only what the server streams back (envoy #39740, processing_mode.proto); with fail-open, a failed
    /// EPP stream lets the request continue upstream without its body, and vLLM answers 400 "Field required"
    /// (GIE #934). Envoy 1.36 limits fail-open in this mode to before the first chunk is sent (envoy #41276),
    /// after #40503 (1.35 backport #40757) had re-allowed the combination that #39740 rejected.
    /// </summary>
    public static KnownExtProcIssue FullDuplexFailOpenBodyLoss { get; } = new(
        Id: "envoy-ext-proc-full-duplex-fail-open-body-loss",
        Summary: "ext_proc request body mode FULL_DUPLEX_STREAMED with fail-open forwards the request without its body when the Endpoint Picker stream fails",
        RequestBodyMode: BodySendMode.FullDuplexStreamed,
        RequiresFailOpen: true,
        FixedInEnvoy: new ComponentVersion(1, 36, 0),
        AffectedReleases: "Envoy < 1.36: OSSM Istio 1.26.2-redhat (Envoy 1.34) and Istio 1.27.x (Envoy 1.35)",
        Remedy: "upgrade to Istio 1.28+ (Envoy 1.36+), or apply an EnvoyFilter switching the InferencePool routes to BUFFERED (llmd-doctor fix envoyfilter), and fix the Endpoint Picker connection (LLMD0204)",
        Sources:
        [
            "https://github.com/envoyproxy/envoy/pull/39740",
            "https://github.com/envoyproxy/envoy/pull/40503",
            "https://github.com/envoyproxy/envoy/pull/41276",
            "https://github.com/kubernetes-sigs/gateway-api-inference-extension/issues/934",
        ]);

    public static IReadOnlyList<KnownExtProcIssue> All { get; } = [FullDuplexFailOpenBodyLoss];
}
