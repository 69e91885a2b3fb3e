using System.Text.Json.Nodes;

namespace LlmdDoctor.Kubernetes;

public sealed partial class KubeClient
{
    /// <summary>
    /// Asks for <c>PartialObjectMetadataList</c>: the server strips everything but metadata, so Secret data
    /// never reaches this process.
    /// </summary>
    internal const string MetadataListAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    private const string ServiceAccountNameAnnotation = "kubernetes.io/service-account.name";

    /// <summary>Gets one object; null when it does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(KubeResource resource, string? ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var node = await GetJsonAsync(resource.ItemPath(ns, name), JsonAccept, cancellationToken).ConfigureAwait(false);
            var obj = node as JsonObject ?? throw new KubeUnavailableException($"GET {Url(resource.ItemPath(ns, name))}: the answer is not an object", Url(resource.ItemPath(ns, name)));
            obj["apiVersion"] ??= resource.ApiVersion;
            obj["kind"] ??= resource.Kind;
            return obj;
        }
        catch (KubeNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Lists every object (following <c>continue</c> pages of <see cref="KubeClientOptions.PageSize"/>).</summary>
    public Task<KubeList> ListAsync(KubeResource resource, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        ListPagesAsync(resource, options ?? ListOptions.All, JsonAccept, cancellationToken);

    /// <summary>
    /// Lists Secrets as metadata only, returned as <c>v1 Secret</c> objects without <c>data</c>. Their
    /// <c>type</c> is inferred: <c>kubernetes.io/service-account-token</c> when the
    /// <c>kubernetes.io/service-account.name</c> annotation is present, otherwise unknown (absent). The
    /// <c>last-applied-configuration</c> annotation, which can hold a copy of the data, is dropped.
    /// </summary>
    public async Task<KubeList> ListSecretMetadataAsync(ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = await ListPagesAsync(KubeResource.Secrets, options ?? ListOptions.All, MetadataListAccept, cancellationToken).ConfigureAwait(false);
        return list with { Items = [.. list.Items.Select(SecretFromMetadata)] };
    }

    private static JsonObject SecretFromMetadata(JsonObject item)
    {
        var metadata = new JsonObject();
        if (item["metadata"] is JsonObject source)
        {
            foreach (var key in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels", "annotations", "ownerReferences" })
            {
                if (source[key] is { } value)
                {
                    metadata[key] = value.DeepClone();
                }
            }
        }

        var annotations = metadata["annotations"] as JsonObject;
        annotations?.Remove(LastAppliedAnnotation);

        // A server that ignored the metadata-only Accept sent a full Secret: keep its type, nothing else.
        var type = item["type"] is JsonValue t && t.TryGetValue<string>(out var sent) ? sent
            : annotations?.ContainsKey(ServiceAccountNameAnnotation) == true ? "kubernetes.io/service-account-token"
            : null;
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = metadata,
        };
        if (type is not null)
        {
            secret["type"] = type;
        }

        return secret;
    }

    private async Task<KubeList> ListPagesAsync(KubeResource resource, ListOptions options, string accept, CancellationToken cancellationToken)
    {
        var path = resource.CollectionPath(options.Namespace);
        var items = new List<JsonObject>();
        string? continueToken = null;
        string? resourceVersion = null;
        var restarted = false;
        while (true)
        {
            var pathAndQuery = Query(path,
                ("limit", _options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("continue", continueToken),
                ("labelSelector", options.LabelSelector),
                ("fieldSelector", options.FieldSelector));
            JsonNode page;
            try
            {
                page = await GetJsonAsync(pathAndQuery, accept, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeGoneException) when (continueToken is not null && !restarted)
            {
                // The continue token expired (the list took longer than the server keeps its snapshot): start over once.
                restarted = true;
                items.Clear();
                continueToken = null;
                continue;
            }

            if (page is not JsonObject list || (list["items"] is not JsonArray && list["items"] is not null))
            {
                throw new KubeUnavailableException($"GET {Url(pathAndQuery)}: the answer is not a List", Url(pathAndQuery));
            }

            if (list["items"] is JsonArray array)
            {
                var pageItems = array.ToList();
                array.Clear();
                foreach (var node in pageItems)
                {
                    if (node is JsonObject item)
                    {
                        // Items of a List carry no apiVersion/kind on the wire.
                        item["apiVersion"] ??= resource.ApiVersion;
                        item["kind"] ??= resource.Kind;
                        items.Add(item);
                    }
                }
            }

            var metadata = list["metadata"] as JsonObject;
            resourceVersion = (string?)metadata?["resourceVersion"] ?? resourceVersion;
            continueToken = (string?)metadata?["continue"];
            if (string.IsNullOrEmpty(continueToken))
            {
                return new KubeList(items, resourceVersion);
            }
        }
    }
}
