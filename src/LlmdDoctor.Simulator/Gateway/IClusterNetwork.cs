namespace LlmdDoctor.Simulator.Gateway;

/// <summary>How a simulated gateway finds its upstreams: pod addresses, Service and pool endpoints, the EPP.</summary>
internal interface IClusterNetwork
{
    /// <summary>The simulated listener of a pod address <c>ip:port</c> (what the EPP names); null when nothing listens there.</summary>
    Uri? PodEndpoint(string ipPort);

    /// <summary>Ready endpoints (<c>ip:targetPort</c>) of a Service port.</summary>
    IReadOnlyList<string> ServiceEndpoints(string ns, string service, int port);

    /// <summary>Ready endpoints (<c>ip:targetPort</c>) of an InferencePool (Istio's shadow Service).</summary>
    IReadOnlyList<string> PoolEndpoints(string ns, string pool, string group);

    /// <summary>The pool's EPP Service, port and failure mode.</summary>
    (string Service, int Port, bool FailOpen)? PoolPicker(string ns, string pool, string group);

    /// <summary>The simulated address of <c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local:&lt;port&gt;</c>.</summary>
    Uri? ServiceAddress(string hostPort);

    /// <summary>
    /// Whether a proxy in <paramref name="proxyNamespace"/> trusts the EPP's self-signed certificate on
    /// <paramref name="host"/>, per the DestinationRule Istio selects for it: true for <c>tls.mode: SIMPLE</c> with
    /// <c>insecureSkipVerify: true</c>, false for any other TLS setting; null when no DestinationRule sets TLS.
    /// </summary>
    bool? EndpointPickerTls(string proxyNamespace, string host);

    /// <summary>PEM file of the simulator CA (what an "untrusted" gateway checks the EPP certificate against).</summary>
    string CaFile { get; }
}
