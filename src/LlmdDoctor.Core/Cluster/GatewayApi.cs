namespace LlmdDoctor.Core.Cluster;

/// <summary>gateway.networking.k8s.io Gateway (v1).</summary>
public sealed class Gateway
{
    public ObjectMeta Metadata { get; init; } = new();
    public GatewaySpec Spec { get; init; } = new();
    public GatewayStatus Status { get; init; } = new();
}

public sealed class GatewaySpec
{
    public string GatewayClassName { get; init; } = "";
    public List<GatewayListener> Listeners { get; init; } = [];
    public List<GatewayAddress> Addresses { get; init; } = [];
}

public sealed class GatewayListener
{
    public string Name { get; init; } = "";
    public string? Hostname { get; init; }
    public int Port { get; init; }
    public string Protocol { get; init; } = "";
    public GatewayTls? Tls { get; init; }
}

public sealed class GatewayTls
{
    public string? Mode { get; init; }
}

public sealed class GatewayAddress
{
    public string? Type { get; init; }
    public string Value { get; init; } = "";
}

public sealed class GatewayStatus
{
    public List<GatewayAddress> Addresses { get; init; } = [];
    public List<Condition> Conditions { get; init; } = [];
    public List<ListenerStatus> Listeners { get; init; } = [];
}

public sealed class ListenerStatus
{
    public string Name { get; init; } = "";
    public int AttachedRoutes { get; init; }
    public List<Condition> Conditions { get; init; } = [];
}

public sealed class GatewayClass
{
    public ObjectMeta Metadata { get; init; } = new();
    public GatewayClassSpec Spec { get; init; } = new();
}

public sealed class GatewayClassSpec
{
    public string ControllerName { get; init; } = "";
}

/// <summary>gateway.networking.k8s.io HTTPRoute (v1).</summary>
public sealed class HttpRoute
{
    public ObjectMeta Metadata { get; init; } = new();
    public HttpRouteSpec Spec { get; init; } = new();
    public RouteStatus Status { get; init; } = new();
}

public sealed class HttpRouteSpec
{
    public List<ParentReference> ParentRefs { get; init; } = [];
    public List<string> Hostnames { get; init; } = [];
    public List<HttpRouteRule> Rules { get; init; } = [];
}

public sealed class ParentReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string Name { get; init; } = "";
    public string? SectionName { get; init; }
    public int? Port { get; init; }

    /// <summary>Whether this reference names the Gateway <paramref name="ns"/>/<paramref name="name"/>, resolving defaults against the route's namespace.</summary>
    public bool RefersToGateway(string routeNamespace, string ns, string name) =>
        (Group is null or "" or "gateway.networking.k8s.io")
        && (Kind is null or "" or "Gateway")
        && Name == name
        && (Namespace ?? routeNamespace) == ns;

    public string Describe(string routeNamespace) => $"{Kind ?? "Gateway"} {Namespace ?? routeNamespace}/{Name}";
}

public sealed class HttpRouteRule
{
    public string? Name { get; init; }
    public List<HttpRouteMatch> Matches { get; init; } = [];
    public List<HttpRouteFilter> Filters { get; init; } = [];
    public List<HttpBackendRef> BackendRefs { get; init; } = [];
}

public sealed class HttpRouteMatch
{
    public HttpPathMatch? Path { get; init; }
    public string? Method { get; init; }
}

public sealed class HttpPathMatch
{
    public string? Type { get; init; }
    public string? Value { get; init; }
}

public sealed class HttpRouteFilter
{
    public string Type { get; init; } = "";
    public HttpUrlRewrite? UrlRewrite { get; init; }
}

public sealed class HttpUrlRewrite
{
    public string? Hostname { get; init; }
    public HttpPathModifier? Path { get; init; }
}

public sealed class HttpPathModifier
{
    public string Type { get; init; } = "";
    public string? ReplaceFullPath { get; init; }
    public string? ReplacePrefixMatch { get; init; }
}

public sealed class HttpBackendRef
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Namespace { get; init; }
    public int? Port { get; init; }
    public int? Weight { get; init; }

    public bool IsInferencePool => Kind == "InferencePool";
    public bool IsService => (Kind is null or "" or "Service") && (Group is null or "");
    public string Describe(string routeNamespace) =>
        IsService ? $"Service {Namespace ?? routeNamespace}/{Name}{(Port is { } p ? $":{p}" : "")}"
                  : $"{Kind} {Namespace ?? routeNamespace}/{Name} ({Group})";
}

public sealed class RouteStatus
{
    public List<RouteParentStatus> Parents { get; init; } = [];
}

public sealed class RouteParentStatus
{
    public ParentReference ParentRef { get; init; } = new();
    public string? ControllerName { get; init; }
    public List<Condition> Conditions { get; init; } = [];
}
