namespace LlmdDoctor.Kubernetes;

/// <summary>A resource type as the REST API names it: group, version, plural (the URL segment), kind.</summary>
public sealed record KubeResource(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>/api/v1</c> or <c>/apis/{group}/{version}</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The collection path, in one namespace or across all of them when <paramref name="ns"/> is null.</summary>
    public string CollectionPath(string? ns) =>
        Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{GroupVersionPath}/{Plural}";

    public string ItemPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";

    /// <summary><c>plural.group</c>, as RBAC and kubectl name it (e.g. <c>gateways.gateway.networking.k8s.io</c>).</summary>
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static KubeResource Namespaces { get; } = new("", "v1", "namespaces", "Namespace", Namespaced: false);
    public static KubeResource Pods { get; } = new("", "v1", "pods", "Pod");
    public static KubeResource Services { get; } = new("", "v1", "services", "Service");
    public static KubeResource ConfigMaps { get; } = new("", "v1", "configmaps", "ConfigMap");
    public static KubeResource Secrets { get; } = new("", "v1", "secrets", "Secret");
    public static KubeResource Deployments { get; } = new("apps", "v1", "deployments", "Deployment");
    public static KubeResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease");
}

/// <summary>Which objects a list or watch returns.</summary>
public sealed record ListOptions
{
    /// <summary>One namespace, or null for all namespaces (or a cluster-scoped resource).</summary>
    public string? Namespace { get; init; }

    /// <summary>A label selector in the API's syntax, e.g. <c>app=vllm,tier!=cache</c>.</summary>
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public static ListOptions All { get; } = new();
}

/// <summary>A whole (all pages) list: its items, each with <c>apiVersion</c> and <c>kind</c> set, and the list's resourceVersion.</summary>
public sealed record KubeList(IReadOnlyList<System.Text.Json.Nodes.JsonObject> Items, string? ResourceVersion);

/// <summary>Limits and timeouts of a <see cref="KubeClient"/>.</summary>
public sealed record KubeClientOptions
{
    /// <summary>Time allowed for one request (a list page, a get, the headers of a watch).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>limit</c> of each list page.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>A larger page (or watch event) is refused with a clear error rather than read into memory.</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// A list with more pages is refused (the kind is unavailable): 1,000 pages of 500 is half a million objects,
    /// beyond any cluster the doctor is sized for, and a server that keeps sending new tokens must not page forever.
    /// </summary>
    public int MaxListPages { get; init; } = 1000;

    /// <summary>
    /// A list with more items is refused (the kind is unavailable) rather than grown without bound: 100,000 is
    /// twice the 50,000 Pods of the inventory benchmark (bench/notes/scale.md).
    /// </summary>
    public int MaxListItems { get; init; } = 100_000;

    /// <summary>The longest <c>Retry-After</c> honoured for a 429 (one retry only).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A watch with no line (event or bookmark) for this long is reopened.</summary>
    public TimeSpan WatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
