using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>
/// The stop-gap of LLMD0301/0302/0801: make a failed Endpoint Picker stream fail closed (a 500 from the gateway)
/// instead of open (the request reaching vLLM without its body, a 400 that hides the cause).
/// <list type="bullet">
/// <item>Istio ≥ 1.27 copies the pool's <c>failureMode</c> into the route's <c>ExtProcOverrides.failure_mode_allow</c>
/// (pilot/pkg/config/kube/gateway/route_collections.go:148, default FailClose in inferencepool_collection.go:140,
/// 1.27.0), which Envoy honours from 1.35 (envoy #40014): then the pool's <c>failureMode: FailClose</c> is enough.</item>
/// <item>Otherwise the listener filter's <c>failure_mode_allow</c> (Istio sets true) must become false. An EnvoyFilter
/// MERGE cannot do that: Istio merges typed configs with a proto merge that copies only populated fields
/// (pkg/proto/merge/merge.go, <c>src.Range</c>, 1.27.0) and a proto3 bool false is not populated. So the whole
/// filter is REPLACEd with Istio's own InferencePool filter (pilot/pkg/xds/filters/filters.go
/// <c>InferencePoolExtProc</c>, 1.27.0) with <c>failure_mode_allow: false</c>.</item>
/// </list>
/// </summary>
public static class FailClosedStopGap
{
    public const string NamePrefix = "llmd-doctor-extproc-fail-closed-";

    public static RemedyStep For(Gateway gateway, IReadOnlyList<string> codes, DoctorInputs inputs)
    {
        var comments = new List<string>
        {
            "Stop-gap: with fail-open, a failed Endpoint Picker stream sends the request to the model without its",
            "body (FULL_DUPLEX_STREAMED keeps no copy, envoy #39740), and vLLM answers 400 \"Field required\", which hides",
            "the cause. Fail-closed answers 500 instead: the failure is loud and the body is never silently dropped.",
            "The repair is the EPP connection (LLMD0204); do not switch the routes to BUFFERED, which stalls every POST",
            "against GIE >= v0.4 and the llm-d scheduler (LLMD0306).",
            "After envoy PR #41276 Envoy itself fails closed (500) once body data went to the EPP; the first Envoy",
            "release that ships it is not confirmed, so keep this until the doctor stops reporting LLMD0301.",
        };

        var key = gateway.Metadata.Key;
        var pods = GatewayEnvoyViews.Of(inputs.Envoy).ReadablePodsOf(key);
        var poolRoutes = pods.SelectMany(p => p.Routes.Where(r => p.EffectiveExtProc(r) is { Active: true, EndpointPickerCluster: not null })
            .Select(r => (Pod: p, Route: r))).ToList();
        var poolMapsToRoute = pods.Count > 0 && poolRoutes.Count > 0
            && poolRoutes.All(x => x.Pod.EnvoyVersion >= EffectiveExtProcMode.PerRouteFailureModeAllowSince && x.Route.ExtProc?.FailureModeAllow is not null);
        if (poolMapsToRoute)
        {
            var pools = inputs.Flows.Where(f => f.GatewayKey == key && f.Pool is not null).Select(f => f.Pool!)
                .DistinctBy(p => (p.ApiGroup, p.Metadata.Key)).OrderBy(p => p.Metadata.Key, StringComparer.Ordinal).ToList();
            comments.Add("This gateway's Istio copies the InferencePool's failureMode into each route and its Envoy honours it:");
            comments.Add("set failureMode FailClose (or remove FailOpen: Istio's default is FailClose) on the pool:");
            foreach (var pool in pools)
            {
                var field = pool.ApiGroup == InferencePool.GroupV1 ? "endpointPickerRef" : "extensionRef";
                comments.Add($"  kubectl patch inferencepools.{pool.ApiGroup} {Manifests.Quote(pool.Metadata.Name)} -n {Manifests.Quote(pool.Metadata.Ns)} --type merge \\");
                comments.Add($"    -p '{{\"spec\":{{\"{field}\":{{\"failureMode\":\"FailClose\"}}}}}}'");
            }

            comments.Add("A pool owned by a controller (KServe's LLMInferenceService) is rewritten by it: set it there if so.");
            return new RemedyStep(codes, comments, null);
        }

        comments.Add("This gateway's Envoy does not take the pool's failureMode per route (Envoy < 1.35 ignores");
        comments.Add("ExtProcOverrides.failure_mode_allow, envoy #40014, or its Istio does not set it), so the listener's ext_proc");
        comments.Add("filter is replaced by Istio's own InferencePool filter with failure_mode_allow false. REPLACE, because an");
        comments.Add("EnvoyFilter MERGE cannot set a proto3 bool to false. Delete it after upgrading to an Istio whose routes");
        comments.Add("carry the pool's failureMode on an Envoy >= 1.35.");
        return new RemedyStep(codes, comments, EnvoyFilter(gateway));
    }

    private static YamlDotNet.RepresentationModel.YamlMappingNode EnvoyFilter(Gateway gateway)
    {
        var name = NamePrefix + gateway.Metadata.Name;
        name = name.Length <= 253 ? name : name[..253].TrimEnd('-', '.');
        var externalProcessor = Manifests.Map(
            ("@type", "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor"),
            ("grpc_service", Manifests.Map(
                ("envoy_grpc", Manifests.Map(("cluster_name", ExtProcFilter.IstioPlaceholderCluster))),
                ("timeout", "10s"))),
            ("failure_mode_allow", false),
            ("processing_mode", Manifests.Map(
                ("request_header_mode", "SKIP"),
                ("response_header_mode", "SKIP"))),
            ("message_timeout", "1000s"),
            ("metadata_options", Manifests.Map(
                ("receiving_namespaces", Manifests.Map(("untyped", new[] { "envoy.lb" }))),
                ("forwarding_namespaces", Manifests.Map(("untyped", new[] { "envoy.lb" }))))));
        return Manifests.Map(
            ("apiVersion", "networking.istio.io/v1alpha3"),
            ("kind", "EnvoyFilter"),
            ("metadata", Manifests.Map(
                ("name", name),
                ("namespace", gateway.Metadata.Ns),
                ("labels", Manifests.Map(("app.kubernetes.io/managed-by", "llmd-doctor"))))),
            ("spec", Manifests.Map(
                ("workloadSelector", Manifests.Map(
                    ("labels", Manifests.Map((ClusterSnapshot.GatewayNameLabel, gateway.Metadata.Name))))),
                ("configPatches", Manifests.Seq(Manifests.Map(
                    ("applyTo", "HTTP_FILTER"),
                    ("match", Manifests.Map(
                        ("context", "GATEWAY"),
                        ("listener", Manifests.Map(
                            ("filterChain", Manifests.Map(
                                ("filter", Manifests.Map(
                                    ("name", "envoy.filters.network.http_connection_manager"),
                                    ("subFilter", Manifests.Map(("name", EnvoyFilterExtProcView.ExtProcFilterName))))))))))),
                    ("patch", Manifests.Map(
                        ("operation", "REPLACE"),
                        ("value", Manifests.Map(
                            ("name", EnvoyFilterExtProcView.ExtProcFilterName),
                            ("typed_config", externalProcessor)))))))))));
    }
}
