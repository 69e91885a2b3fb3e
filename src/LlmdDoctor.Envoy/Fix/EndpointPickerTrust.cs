using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>
/// The repair of LLMD0204: an Istio DestinationRule that makes the gateway's Envoy accept the Endpoint Picker's
/// self-signed certificate — what GIE ships for Istio (<c>config/manifests/gateway/istio/destination-rule.yaml</c>
/// @v1.0.0, <c>config/charts/inferencepool/templates/istio.yaml</c> @v1.5.0: <c>tls.mode: SIMPLE</c>,
/// <c>insecureSkipVerify: true</c>). The EPP serves TLS with a self-signed certificate unless given one
/// (GIE <c>pkg/epp/server/runserver.go</c>).
/// </summary>
public static class EndpointPickerTrust
{
    /// <summary>The DestinationRule step for the EPP behind <paramref name="eppCluster"/>, or null when the cluster names no Service.</summary>
    public static RemedyStep? For(Gateway gateway, string eppCluster)
    {
        if (EndpointPickerRelease.ServiceOf(eppCluster) is not (var eppNamespace, var service))
        {
            return null;
        }

        // The cluster domain is the one Istio already used in the cluster name (<svc>.<ns>.svc.<domain>).
        var host = eppCluster.Split('|')[^1];
        var name = Truncate($"{service}-epp-tls");
        var gatewayNs = gateway.Metadata.Ns;
        var manifest = Manifests.Map(
            ("apiVersion", "networking.istio.io/v1"),
            ("kind", "DestinationRule"),
            ("metadata", Manifests.Map(
                ("name", name),
                ("namespace", gatewayNs),
                ("labels", Manifests.Map(("app.kubernetes.io/managed-by", "llmd-doctor"))))),
            ("spec", Manifests.Map(
                ("host", host),
                ("exportTo", new[] { "." }),
                ("trafficPolicy", Manifests.Map(
                    ("tls", Manifests.Map(
                        ("mode", "SIMPLE"),
                        ("insecureSkipVerify", true))))))));
        string[] comments =
        [
            "The gateway cannot open its ext_proc stream to the Endpoint Picker: its Envoy rejects the EPP's",
            "self-signed TLS certificate (or cannot connect). This DestinationRule makes the gateway's proxies use TLS",
            "without verifying that certificate, as GIE's and llm-d's Istio manifests do.",
            $"EPP Service: {Manifests.Quote(service)} in namespace {Manifests.Quote(eppNamespace)}.",
            "Namespace: the gateway's own. Istio looks for a DestinationRule in the client proxy's namespace first,",
            "then in the Service's namespace (exported to the client), then in the root namespace, and within one",
            "namespace the oldest rule's trafficPolicy wins (istio pilot/pkg/model/push_context.go destinationRule(),",
            "destination_rule.go mergeDestinationRule(), 1.27.0). A rule in the EPP namespace would lose to the one",
            "KServe may already keep there; exportTo \".\" keeps this one to the gateway's namespace. If an older",
            "DestinationRule for this host exists in the gateway's namespace, edit that one instead.",
            "Verify that the Endpoint Picker is in the loop:",
            $"  kubectl exec -n {Manifests.Quote(gatewayNs)} <gateway-pod> -c istio-proxy -- pilot-agent request GET /stats \\",
            "    | grep -E 'ext_proc\\.streams_started|upstream_cx_connect_fail|ssl\\.fail_verify_error'",
            "  ext_proc streams_started grows with every request; the EPP cluster's upstream_cx_connect_fail and",
            "  ssl.fail_verify_error stay flat.",
            "  curl -sk -i https://<gateway-address>/<route-path>/v1/chat/completions -H 'Content-Type: application/json' \\",
            "    -d '{\"model\":\"<model>\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],\"max_tokens\":8}' \\",
            "    | grep -iE '^HTTP/|x-went-into-resp-headers'",
            "  HTTP 200 and x-went-into-resp-headers: true, the header the EPP adds to responses it processed.",
        ];
        return new RemedyStep(["LLMD0204"], comments, manifest);
    }

    private static string Truncate(string name) => name.Length <= 253 ? name : name[..253].TrimEnd('-', '.');
}
