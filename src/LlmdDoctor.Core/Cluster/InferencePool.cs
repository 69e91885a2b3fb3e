namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// An InferencePool in either API group, normalised. <c>inference.networking.x-k8s.io/v1alpha2</c> has a map
/// selector, <c>targetPortNumber</c>, <c>extensionRef</c> and status key <c>parent</c> (singular);
/// <c>inference.networking.k8s.io/v1</c> has <c>selector.matchLabels</c>, <c>targetPorts[]</c>,
/// <c>endpointPickerRef</c> and <c>parents</c> (GIE api/v1alpha2 and api/v1).
/// </summary>
public sealed record InferencePool(
    ObjectMeta Metadata,
    string ApiGroup,
    string ApiVersion,
    LabelSelector Selector,
    IReadOnlyList<int> TargetPorts,
    string PickerKind,
    string PickerName,
    int PickerPort,
    string FailureMode,
    IReadOnlyList<RouteParentStatus> Parents)
{
    public const string GroupV1 = "inference.networking.k8s.io";
    public const string GroupV1Alpha2 = "inference.networking.x-k8s.io";

    /// <summary>GIE: the picker port defaults to 9002 when unset.</summary>
    public const int DefaultPickerPort = 9002;

    public bool FailOpen => string.Equals(FailureMode, "FailOpen", StringComparison.Ordinal);
}

/// <summary>The raw shape of <c>inference.networking.k8s.io/v1</c>.</summary>
public sealed class InferencePoolV1
{
    public ObjectMeta Metadata { get; set; } = new();
    public InferencePoolV1Spec Spec { get; set; } = new();
    public InferencePoolV1Status Status { get; set; } = new();
}

public sealed class InferencePoolV1Spec
{
    public LabelSelector Selector { get; set; } = new();
    public List<PortNumber> TargetPorts { get; set; } = [];
    public EndpointPickerRef? EndpointPickerRef { get; set; }
}

public sealed class PortNumber
{
    public int Number { get; set; }
}

public sealed class EndpointPickerRef
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
    public PortNumber? Port { get; set; }
    public string? FailureMode { get; set; }
}

public sealed class InferencePoolV1Status
{
    public List<RouteParentStatus> Parents { get; set; } = [];
}

/// <summary>The raw shape of <c>inference.networking.x-k8s.io/v1alpha2</c>.</summary>
public sealed class InferencePoolV1Alpha2
{
    public ObjectMeta Metadata { get; set; } = new();
    public InferencePoolV1Alpha2Spec Spec { get; set; } = new();
    public InferencePoolV1Alpha2Status Status { get; set; } = new();
}

public sealed class InferencePoolV1Alpha2Spec
{
    public Dictionary<string, string> Selector { get; set; } = [];
    public int TargetPortNumber { get; set; }
    public ExtensionRef? ExtensionRef { get; set; }
}

public sealed class ExtensionRef
{
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string Name { get; set; } = "";
    public int? PortNumber { get; set; }
    public string? FailureMode { get; set; }
}

public sealed class InferencePoolV1Alpha2Status
{
    public List<RouteParentStatus> Parent { get; set; } = [];
}
