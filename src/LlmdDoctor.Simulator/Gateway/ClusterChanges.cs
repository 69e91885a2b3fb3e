namespace LlmdDoctor.Simulator;

/// <summary>
/// Manifests a test applies to a simulated cluster (<see cref="SimulatedCluster.Apply"/>) to change it the way a
/// cluster would be changed, never through a behaviour switch of the simulator.
/// </summary>
public static class ClusterChanges
{
    /// <summary>
    /// An Istio EnvoyFilter that MERGEs <c>message_timeout</c> (and optionally <c>failure_mode_allow</c>) into the
    /// ext_proc HTTP filter of one Gateway's pods: how a test shortens Istio's 1000 s without changing what Envoy does.
    /// </summary>
    public static string MessageTimeout(string gateway, string timeout, bool? failureModeAllow = null, string ns = "openshift-ingress") => $$"""
        apiVersion: networking.istio.io/v1alpha3
        kind: EnvoyFilter
        metadata:
          name: test-message-timeout-{{gateway}}
          namespace: {{ns}}
        spec:
          workloadSelector:
            labels:
              gateway.networking.k8s.io/gateway-name: {{gateway}}
          configPatches:
          - applyTo: HTTP_FILTER
            match:
              context: GATEWAY
              listener:
                filterChain:
                  filter:
                    name: envoy.filters.network.http_connection_manager
                    subFilter:
                      name: envoy.filters.http.ext_proc
            patch:
              operation: MERGE
              value:
                name: envoy.filters.http.ext_proc
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor
                  message_timeout: {{timeout}}{{(failureModeAllow is { } allow ? $"\n          failure_mode_allow: {(allow ? "true" : "false")}" : "")}}
        """;
}
