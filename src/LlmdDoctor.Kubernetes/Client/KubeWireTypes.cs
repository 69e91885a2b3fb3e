using System.Text.Json.Serialization;

namespace LlmdDoctor.Kubernetes;

/// <summary><c>meta/v1 Status</c>: the body of every error answer.</summary>
internal sealed class KubeStatus
{
    public string? Kind { get; init; }
    public string? Status { get; init; }
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public int? Code { get; init; }
}

/// <summary><c>/api</c>.</summary>
internal sealed class ApiVersions
{
    public List<string> Versions { get; init; } = [];
}

/// <summary><c>/apis</c>.</summary>
internal sealed class ApiGroupList
{
    public List<ApiGroup> Groups { get; init; } = [];
}

internal sealed class ApiGroup
{
    public string Name { get; init; } = "";
    public List<GroupVersionForDiscovery> Versions { get; init; } = [];
    public GroupVersionForDiscovery? PreferredVersion { get; init; }
}

internal sealed class GroupVersionForDiscovery
{
    public string GroupVersion { get; init; } = "";
    public string Version { get; init; } = "";
}

/// <summary><c>/apis/{group}/{version}</c> and <c>/api/v1</c>.</summary>
internal sealed class ApiResourceList
{
    public string? GroupVersion { get; init; }
    public List<ApiResourceInfo> Resources { get; init; } = [];
}

internal sealed class ApiResourceInfo
{
    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public bool Namespaced { get; init; }
    public List<string> Verbs { get; init; } = [];
}

/// <summary><c>client.authentication.k8s.io</c> ExecCredential (v1 and v1beta1 share this shape).</summary>
internal sealed class ExecCredential
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ExecCredentialSpec? Spec { get; init; }
    public ExecCredentialStatus? Status { get; init; }
}

internal sealed class ExecCredentialSpec
{
    public bool Interactive { get; init; }
}

internal sealed class ExecCredentialStatus
{
    public string? Token { get; init; }
    public string? ClientCertificateData { get; init; }
    public string? ClientKeyData { get; init; }
    public DateTimeOffset? ExpirationTimestamp { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KubeStatus))]
[JsonSerializable(typeof(ApiVersions))]
[JsonSerializable(typeof(ApiGroupList))]
[JsonSerializable(typeof(ApiResourceList))]
[JsonSerializable(typeof(ExecCredential))]
internal sealed partial class KubeWireJsonContext : JsonSerializerContext;
