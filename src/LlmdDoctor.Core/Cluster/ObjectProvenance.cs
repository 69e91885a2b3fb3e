namespace LlmdDoctor.Core.Cluster;

/// <summary>Whether an object was read from an API server or is a manifest as written (a bundle of published YAML).</summary>
public static class ObjectProvenance
{
    /// <summary>
    /// The API server stamps every object it stores with <c>uid</c>, <c>resourceVersion</c> and
    /// <c>creationTimestamp</c>; a manifest as published carries none of them. On such a manifest a missing
    /// <c>status</c> says nothing about the cluster: no controller ever had the chance to write it.
    /// </summary>
    public static bool IsFromApiServer(this ObjectMeta metadata) =>
        !string.IsNullOrEmpty(metadata.Uid) || !string.IsNullOrEmpty(metadata.ResourceVersion) || !string.IsNullOrEmpty(metadata.CreationTimestamp);
}
