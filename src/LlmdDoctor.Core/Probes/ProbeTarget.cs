namespace LlmdDoctor.Core.Probes;

/// <summary>
/// What one probe asks and which arrow of the request-flow map it walks: the gateway, the HTTPRoute rule
/// that matches the path (and so its Envoy route name), and whether that rule sends to an InferencePool.
/// Holds no credential.
/// </summary>
public sealed record ProbeTarget
{
    public required ProbeKind Kind { get; init; }

    /// <summary><c>GET</c> or <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The absolute URL the probe sends to (after any per-gateway base URL override).</summary>
    public required string Url { get; init; }

    /// <summary>The path part of <see cref="Url"/>, e.g. <c>/my-first-model/qwen3-0-6b/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    public required string GatewayNamespace { get; init; }
    public required string GatewayName { get; init; }

    /// <summary>The HTTPRoute whose rule matches <see cref="Path"/>; empty when no rule does.</summary>
    public string RouteNamespace { get; init; } = "";
    public string RouteName { get; init; } = "";

    /// <summary>The index of the matching rule, or -1.</summary>
    public int RuleIndex { get; init; } = -1;

    /// <summary>The index of the match within that rule that Envoy selects for this request.</summary>
    public int MatchIndex { get; init; }

    /// <summary>
    /// Headers the probe sends because the selected match requires them (KServe's <c>X-Gateway-Model-Name</c>
    /// model routing); exact values from the HTTPRoute, never credentials.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Istio's Envoy route name of that rule (<c>&lt;ns&gt;.&lt;route&gt;.&lt;index&gt;</c>).</summary>
    public string EnvoyRouteName { get; init; } = "";

    /// <summary>The OpenAI API prefix the model answers under (<c>/&lt;ns&gt;/&lt;llmisvc&gt;</c>); identifies the model on the gateway.</summary>
    public string ApiPrefix { get; init; } = "";

    /// <summary>The matching rule sends to an InferencePool, so the request should pass the Endpoint Picker.</summary>
    public bool ViaInferencePool { get; init; }

    /// <summary>The model the cluster or the configuration names for this prefix (may differ from the served id).</summary>
    public string? ExpectedModel { get; init; }

    /// <summary>For <see cref="ProbeKind.Direct"/>: the model Service as <c>ns/name</c>.</summary>
    public string? Service { get; init; }

    public string GatewayKey => $"{GatewayNamespace}/{GatewayName}";

    /// <summary>
    /// How the model is addressed on the gateway: the API prefix, plus the routing headers when there are any
    /// (<c> [X-Gateway-Model-Name=publishers/ns/models/m]</c>), since header-routed models share the prefix.
    /// </summary>
    public string Entry => Headers.Count == 0 ? ApiPrefix : $"{ApiPrefix} [{string.Join(", ", Headers.Select(h => $"{h.Key}={h.Value}"))}]";

    /// <summary><c>ns/name</c> of the matching HTTPRoute, or empty.</summary>
    public string RouteKey => RouteName.Length == 0 ? "" : $"{RouteNamespace}/{RouteName}";
}
