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
/// <param name="FixStatus">What is known of the upstream fix and its release, no more; shown as evidence.</param>
/// <param name="Sources">Upstream issues and pull requests that establish it.</param>
public sealed record KnownExtProcIssue(
    string Id,
    string Summary,
    BodySendMode RequestBodyMode,
    bool RequiresFailOpen,
    ComponentVersion FixedInEnvoy,
    string AffectedReleases,
    string Remedy,
    string FixStatus,
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
    /// (GIE #934). Envoy PR #41276 (merged 2025-09-30) limits fail-open in this mode to before the first chunk is
    /// sent, so a later stream failure answers a local 500; it followed #40503 (1.35 backport #40757), which had
    /// re-allowed the combination that #39740 rejected. The first release that ships #41276 is not confirmed
    /// (1.36.0's changelog does not list it): the doctor takes 1.36 as fixed and says so in the evidence.
    /// </summary>
    public static KnownExtProcIssue FullDuplexFailOpenBodyLoss { get; } = new(
        Id: "envoy-ext-proc-full-duplex-fail-open-body-loss",
        Summary: "ext_proc request body mode FULL_DUPLEX_STREAMED with fail-open forwards the request without its body when the Endpoint Picker stream fails",
        RequestBodyMode: BodySendMode.FullDuplexStreamed,
        RequiresFailOpen: true,
        FixedInEnvoy: new ComponentVersion(1, 36, 0),
        AffectedReleases: "Envoy < 1.36: OSSM Istio 1.26.2-redhat (Envoy 1.34) and Istio 1.27.x (Envoy 1.35)",
        Remedy: "repair the Endpoint Picker connection (LLMD0204: the gateway must trust the EPP's TLS certificate) and, as a stop-gap, make ext_proc fail closed (llmd-doctor fix --gateway NS/NAME prints both); never BUFFERED in front of a GIE >= v0.4 / llm-d scheduler EPP (LLMD0306)",
        FixStatus: "envoy #41276 (merged 2025-09-30) fails closed (500) once a body chunk went to the EPP; its first release is not confirmed (1.36.0's changelog does not list it); the doctor assumes Envoy >= 1.36 has it",
        Sources:
        [
            "https://github.com/envoyproxy/envoy/pull/39740",
            "https://github.com/envoyproxy/envoy/pull/40503",
            "https://github.com/envoyproxy/envoy/pull/41276",
            "https://github.com/kubernetes-sigs/gateway-api-inference-extension/issues/934",
        ]);

    public static IReadOnlyList<KnownExtProcIssue> All { get; } = [FullDuplexFailOpenBodyLoss];
}
