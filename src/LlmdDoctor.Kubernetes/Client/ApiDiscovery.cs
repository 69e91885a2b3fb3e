using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LlmdDoctor.Kubernetes;

/// <summary>An optional resource the doctor reads: its group, acceptable versions (preferred first), plural and kind.</summary>
public sealed record ApiRequest(string Group, IReadOnlyList<string> Versions, string Plural, string Kind)
{
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>What discovery found for one <see cref="ApiRequest"/>.</summary>
public enum ApiAvailability
{
    /// <summary>The resource is served in one of the requested versions.</summary>
    Served,

    /// <summary>Neither the group nor any requested version serves it (CRD not installed).</summary>
    NotServed,

    /// <summary>Discovery of its group failed (RBAC, server error): whether it exists is unknown.</summary>
    Failed,
}

/// <summary>The answer for one request: the resolved resource when served, the error when discovery failed.</summary>
public sealed record DiscoveredApi(ApiRequest Request, ApiAvailability Availability, KubeResource? Resource, KubeApiException? Error);

/// <summary>
/// Decides which optional resources exist from <c>/apis</c> and <c>/apis/{group}/{version}</c>, fetching only the
/// groups asked about (a broken aggregated API elsewhere does not matter). <c>/api</c> is read first as the
/// reachability test: if it fails, the cluster cannot be read at all.
/// </summary>
public static class ApiDiscovery
{
    /// <exception cref="ClusterUnreachableException">The API server did not answer <c>/api</c>.</exception>
    public static async Task<IReadOnlyList<DiscoveredApi>> DiscoverAsync(KubeClient client, IEnumerable<ApiRequest> requests, CancellationToken cancellationToken = default)
    {
        try
        {
            var versions = await GetAsync(client, "/api", KubeWireJsonContext.Default.ApiVersions, cancellationToken).ConfigureAwait(false);
            if (!versions.Versions.Contains("v1"))
            {
                throw new KubeUnavailableException($"GET {client.Url("/api")}: the server does not serve the core v1 API", client.Url("/api"));
            }
        }
        catch (KubeApiException ex)
        {
            throw new ClusterUnreachableException(client.Server, ex.Message, ex);
        }

        ApiGroupList? groups = null;
        KubeApiException? groupsError = null;
        try
        {
            groups = await GetAsync(client, "/apis", KubeWireJsonContext.Default.ApiGroupList, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException ex)
        {
            groupsError = ex;
        }

        var resourceLists = new Dictionary<string, Task<ApiResourceList>>(StringComparer.Ordinal);
        var results = new List<DiscoveredApi>();
        foreach (var request in requests)
        {
            results.Add(groupsError is not null
                ? new DiscoveredApi(request, ApiAvailability.Failed, null, groupsError)
                : await ResolveAsync(client, request, groups!, resourceLists, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private static async Task<DiscoveredApi> ResolveAsync(
        KubeClient client, ApiRequest request, ApiGroupList groups, Dictionary<string, Task<ApiResourceList>> cache, CancellationToken cancellationToken)
    {
        var group = groups.Groups.FirstOrDefault(g => g.Name == request.Group);
        if (group is null)
        {
            return new DiscoveredApi(request, ApiAvailability.NotServed, null, null);
        }

        foreach (var version in request.Versions.Where(v => group.Versions.Any(gv => gv.Version == v)))
        {
            var path = $"/apis/{request.Group}/{version}";
            if (!cache.TryGetValue(path, out var pending))
            {
                pending = GetAsync(client, path, KubeWireJsonContext.Default.ApiResourceList, cancellationToken);
                cache[path] = pending;
            }

            ApiResourceList list;
            try
            {
                list = await pending.ConfigureAwait(false);
            }
            catch (KubeNotFoundException)
            {
                continue;
            }
            catch (KubeApiException ex)
            {
                return new DiscoveredApi(request, ApiAvailability.Failed, null, ex);
            }

            if (list.Resources.FirstOrDefault(r => r.Name == request.Plural) is { } found)
            {
                var resource = new KubeResource(request.Group, version, request.Plural, found.Kind.Length > 0 ? found.Kind : request.Kind, found.Namespaced);
                return new DiscoveredApi(request, ApiAvailability.Served, resource, null);
            }
        }

        return new DiscoveredApi(request, ApiAvailability.NotServed, null, null);
    }

    private static async Task<T> GetAsync<T>(KubeClient client, string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var node = await client.GetJsonAsync(path, KubeClient.JsonAccept, cancellationToken).ConfigureAwait(false);
        try
        {
            return node.Deserialize(type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new KubeUnavailableException($"GET {client.Url(path)}: not a discovery document ({ex.Message})", client.Url(path), inner: ex);
        }
    }
}

/// <summary>
/// The Kubernetes API server could not be used at all (connection refused, TLS failure, timeout, 5xx or 401 on
/// <c>/api</c>): the run cannot produce a report and the CLI exits 3 with <see cref="Exception.Message"/>.
/// </summary>
public sealed class ClusterUnreachableException(Uri server, string reason, Exception? inner = null)
    : Exception($"cannot use the Kubernetes API at {server}: {reason}", inner)
{
    public Uri Server { get; } = server;

    public string Reason { get; } = reason;
}
