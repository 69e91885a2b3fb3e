namespace LlmdDoctor.Core.Cluster;

/// <summary>What a route rule sends traffic to.</summary>
public enum BackendKind
{
    Service,
    InferencePool,
    Other,
}

/// <summary>One backendRef of a rule, resolved against the snapshot.</summary>
public sealed record FlowBackend(BackendKind Kind, string Group, string Namespace, string Name, int? Port, int Weight, bool Exists)
{
    public string Describe() => Kind switch
    {
        BackendKind.Service => $"Service {Namespace}/{Name}{(Port is { } p ? $":{p}" : "")}",
        BackendKind.InferencePool => $"InferencePool {Namespace}/{Name}",
        _ => $"{Group} {Namespace}/{Name}",
    };
}

/// <summary>
/// One arrow of the request path: a Gateway × one match of an HTTPRoute rule → the rule's backend (InferencePool →
/// EPP → pods, or Service → pods), with the URL a probe uses to walk it. Istio turns every match of a rule into its
/// own Envoy route (all named after the rule), so a rule with three matches is three flows.
/// </summary>
public sealed record RequestFlow
{
    public required Gateway Gateway { get; init; }
    public required HttpRoute Route { get; init; }
    public required int RuleIndex { get; init; }

    /// <summary>The Envoy route name Istio generates: the rule's name, else <c>&lt;ns&gt;.&lt;route&gt;.&lt;index&gt;</c> (istio conversion.go).</summary>
    public required string EnvoyRouteName { get; init; }

    /// <summary>The index of the match within the rule (0 for a rule without <c>matches</c>).</summary>
    public int MatchIndex { get; init; }

    /// <summary>The match: path type and value, headers, query parameters, method.</summary>
    public required FlowMatch Match { get; init; }

    /// <summary>The matched path (a prefix's trailing <c>/</c> trimmed; <c>/</c> for a header-only match).</summary>
    public string Path => Match.NormalizedPath;

    /// <summary>Creation time of the HTTPRoute (RFC 3339), Istio's first tie-break between routes of one listener.</summary>
    public string? RouteCreated => Route.Metadata.CreationTimestamp;

    /// <summary>The OpenAI API prefix the model answers under (the matched path minus <c>/v1/…</c>).</summary>
    public required string ApiPrefix { get; init; }

    public required IReadOnlyList<FlowBackend> Backends { get; init; }

    /// <summary>The backend with the largest weight (KServe sends weight 0 to the v1 pool and 100 to v1alpha2).</summary>
    public FlowBackend? PrimaryBackend => Backends.OrderByDescending(b => b.Weight).FirstOrDefault();

    /// <summary>The pool of the primary backend when it is an InferencePool that exists.</summary>
    public InferencePool? Pool { get; init; }

    /// <summary><c>ns/name</c> of the EPP Service of <see cref="Pool"/>.</summary>
    public string? EndpointPicker { get; init; }

    /// <summary>Served model name when the cluster says it (LLMInferenceService <c>spec.model.name</c> or <c>--served-model-name</c>).</summary>
    public string? Model { get; init; }

    /// <summary><c>scheme://host[:port]</c> of the gateway listener, or null when the gateway has no address.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>
    /// The Host a request needs to match this route on its listener (route <c>hostnames</c> ∩ listener <c>hostname</c>,
    /// a wildcard made concrete, <see cref="GatewayHostnames"/>); null when any host matches.
    /// </summary>
    public string? Host { get; init; }

    /// <summary>The listener the route attaches to (its parentRef's <c>sectionName</c>); null when it attaches to every listener.</summary>
    public string? Listener { get; init; }

    public string GatewayKey => Gateway.Metadata.Key;
    public string RouteKey => Route.Metadata.Key;
    public bool IsPoolRoute => PrimaryBackend?.Kind == BackendKind.InferencePool;
}
