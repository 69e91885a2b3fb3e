namespace LlmdDoctor.Core.Cluster;

/// <summary>gateway.networking.k8s.io Gateway (v1).</summary>
public sealed class Gateway
{
    public ObjectMeta Metadata { get; set; } = new();
    public GatewaySpec Spec { get; set; } = new();
    public GatewayStatus Status { get; set; } = new();
}

public sealed class GatewaySpec
{
    public string GatewayClassName { get; set; } = "";
    public List<GatewayListener> Listeners { get; set; } = [];
    public List<GatewayAddress> Addresses { get; set; } = [];
}

public sealed class GatewayListener
{
    public string Name { get; set; } = "";
    public string? Hostname { get; set; }
    public int Port { get; set; }
    public string Protocol { get; set; } = "";
    public GatewayTls? Tls { get; set; }
}

public sealed class GatewayTls
{
    public string? Mode { get; set; }
}

public sealed class GatewayAddress
{
    public string? Type { get; set; }
    public string Value { get; set; } = "";
}

public sealed class GatewayStatus
{
    public List<GatewayAddress> Addresses { get; set; } = [];
    public List<Condition> Conditions { get; set; } = [];
    public List<ListenerStatus> Listeners { get; set; } = [];
}

public sealed class ListenerStatus
{
    public string Name { get; set; } = "";
    public int AttachedRoutes { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}

public sealed class GatewayClass
{
    public ObjectMeta Metadata { get; set; } = new();
    public GatewayClassSpec Spec { get; set; } = new();
}

public sealed class GatewayClassSpec
{
    public string ControllerName { get; set; } = "";
}

/// <summary>gateway.networking.k8s.io HTTPRoute (v1).</summary>
public sealed class HttpRoute
{
    public ObjectMeta Metadata { get; set; } = new();
    public HttpRouteSpec Spec { get; set; } = new();
    public RouteStatus Status { get; set; } = new();
}

public sealed class HttpRouteSpec
{
    public List<ParentReference> ParentRefs { get; set; } = [];
    public List<string> Hostnames { get; set; } = [];
    public List<HttpRouteRule> Rules { get; set; } = [];
}

public sealed class ParentReference
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string? Namespace { get; set; }
    public string Name { get; set; } = "";
    public string? SectionName { get; set; }
    public int? Port { get; set; }

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
    public string? Name { get; set; }
    public List<HttpRouteMatch> Matches { get; set; } = [];
    public List<HttpRouteFilter> Filters { get; set; } = [];
    public List<HttpBackendRef> BackendRefs { get; set; } = [];
}

public sealed class HttpRouteMatch
{
    public HttpPathMatch? Path { get; set; }
    public string? Method { get; set; }
    public List<HttpHeaderMatch> Headers { get; set; } = [];
    public List<HttpQueryParamMatch> QueryParams { get; set; } = [];
}

/// <summary>HTTPHeaderMatch: <c>type</c> Exact (default) or RegularExpression; names are case-insensitive.</summary>
public sealed class HttpHeaderMatch
{
    public string? Type { get; set; }
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>HTTPQueryParamMatch: <c>type</c> Exact (default) or RegularExpression.</summary>
public sealed class HttpQueryParamMatch
{
    public string? Type { get; set; }
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed class HttpPathMatch
{
    public string? Type { get; set; }
    public string? Value { get; set; }
}

public sealed class HttpRouteFilter
{
    public string Type { get; set; } = "";
    public HttpUrlRewrite? UrlRewrite { get; set; }
}

public sealed class HttpUrlRewrite
{
    public string? Hostname { get; set; }
    public HttpPathModifier? Path { get; set; }
}

public sealed class HttpPathModifier
{
    public string Type { get; set; } = "";
    public string? ReplaceFullPath { get; set; }
    public string? ReplacePrefixMatch { get; set; }
}

public sealed class HttpBackendRef
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public int? Port { get; set; }
    public int? Weight { get; set; }

    public bool IsInferencePool => Kind == "InferencePool";
    public bool IsService => (Kind is null or "" or "Service") && (Group is null or "");
    public string Describe(string routeNamespace) =>
        IsService ? $"Service {Namespace ?? routeNamespace}/{Name}{(Port is { } p ? $":{p}" : "")}"
                  : $"{Kind} {Namespace ?? routeNamespace}/{Name} ({Group})";
}

public sealed class RouteStatus
{
    public List<RouteParentStatus> Parents { get; set; } = [];
}

public sealed class RouteParentStatus
{
    public ParentReference ParentRef { get; set; } = new();
    public string? ControllerName { get; set; }
    public List<Condition> Conditions { get; set; } = [];
}
