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
    public async Task<KubeList> ListAsync(KubeResource resource, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var items = new ListedItems();
        var resourceVersion = await ListEachAsync(resource, options, items, cancellationToken).ConfigureAwait(false);
        return new KubeList(items.All, resourceVersion);
    }

    /// <summary>
    /// Lists every object page by page, handing each item to <paramref name="items"/> as its page arrives, so no
    /// page outlives its reading. Returns the list's resourceVersion. A malformed page (not a List, an item that is
    /// not an object, a field of the wrong JSON type, a duplicate key), a <c>continue</c> token the server repeats,
    /// more than <see cref="KubeClientOptions.MaxListPages"/> pages or <see cref="KubeClientOptions.MaxListItems"/>
    /// items end the list with a <see cref="KubeUnavailableException"/> naming the page and the reason.
    /// </summary>
    public Task<string?> ListEachAsync(KubeResource resource, ListOptions? options, IListItems items, CancellationToken cancellationToken = default) =>
        ListPagesAsync(resource, options ?? ListOptions.All, JsonAccept, items, item => item, cancellationToken);

    /// <summary>
    /// Lists Secrets as metadata only, returned as <c>v1 Secret</c> objects without <c>data</c>. Their
    /// <c>type</c> is inferred: <c>kubernetes.io/service-account-token</c> when the
    /// <c>kubernetes.io/service-account.name</c> annotation is present, otherwise unknown (absent). The
    /// <c>last-applied-configuration</c> annotation, which can hold a copy of the data, is dropped.
    /// </summary>
    public async Task<KubeList> ListSecretMetadataAsync(ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var items = new ListedItems();
        var resourceVersion = await ListSecretMetadataEachAsync(options, items, cancellationToken).ConfigureAwait(false);
        return new KubeList(items.All, resourceVersion);
    }

    /// <summary><see cref="ListSecretMetadataAsync"/> page by page, as <see cref="ListEachAsync"/>.</summary>
    public Task<string?> ListSecretMetadataEachAsync(ListOptions? options, IListItems items, CancellationToken cancellationToken = default) =>
        ListPagesAsync(KubeResource.Secrets, options ?? ListOptions.All, MetadataListAccept, items, SecretFromMetadata, cancellationToken);

    /// <summary>Keeps every item (for callers that want the whole list at once).</summary>
    private sealed class ListedItems : IListItems
    {
        public List<JsonObject> All { get; } = [];

        public void Add(JsonObject item) => All.Add(item);

        public void Clear() => All.Clear();
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

    private async Task<string?> ListPagesAsync(KubeResource resource, ListOptions options, string accept, IListItems items, Func<JsonObject, JsonObject> shape, CancellationToken cancellationToken)
    {
        var path = resource.CollectionPath(options.Namespace);
        var metadataOnly = accept == MetadataListAccept;
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? continueToken = null;
        string? resourceVersion = null;
        var restarted = false;
        var pages = 0;
        var count = 0;
        while (true)
        {
            var pathAndQuery = Query(path,
                ("limit", _options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("continue", continueToken),
                ("labelSelector", options.LabelSelector),
                ("fieldSelector", options.FieldSelector));
            var url = Url(pathAndQuery);
            if (++pages > _options.MaxListPages)
            {
                throw Malformed(url, $"the list has more than {_options.MaxListPages:N0} pages of {_options.PageSize} (the page cap); it was not read");
            }

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
                tokens.Clear();
                count = 0;
                continueToken = null;
                continue;
            }

            if (page is not JsonObject list || (list["items"] is not JsonArray && list["items"] is not null))
            {
                throw Malformed(url, "the answer is not a List");
            }

            if (list["kind"] is JsonValue listKind && listKind.TryGetValue<string>(out var k) && k == "Status")
            {
                // A proxy or an aggregated API answering an error with 200: read as a List it would look empty.
                throw Malformed(url, $"the answer is a Status, not a List: {(list["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : "no message")}");
            }

            if (list["items"] is JsonArray array)
            {
                var pageItems = array.ToList();
                array.Clear();
                for (var i = 0; i < pageItems.Count; i++)
                {
                    if (pageItems[i] is not JsonObject item)
                    {
                        throw Malformed(url, $"items[{i}] is {KindOf(pageItems[i])}, not an object");
                    }

                    if (++count > _options.MaxListItems)
                    {
                        throw Malformed(url, $"the list has more than {_options.MaxListItems:N0} items (the cap per kind); it was not read");
                    }

                    // Items of a List carry no apiVersion/kind on the wire, or the List's own (custom resources); an item
                    // that claims another kind would enter the inventory as an object nobody listed (a Gateway in a Pod list).
                    if (!metadataOnly && (Claims(item, "kind", resource.Kind) ?? Claims(item, "apiVersion", resource.ApiVersion)) is { } claimed)
                    {
                        throw Malformed(url, $"items[{i}] claims to be {claimed}, not a {resource.Kind} {resource.ApiVersion}");
                    }

                    item["apiVersion"] ??= resource.ApiVersion;
                    item["kind"] ??= resource.Kind;
                    items.Add(shape(item));
                    pageItems[i] = null;
                }
            }

            if (list["metadata"] is not (JsonObject or null))
            {
                throw Malformed(url, $"metadata is {KindOf(list["metadata"])}, not an object");
            }

            var metadata = list["metadata"] as JsonObject;
            resourceVersion = StringField(metadata, "resourceVersion", url) ?? resourceVersion;
            continueToken = StringField(metadata, "continue", url);
            if (string.IsNullOrEmpty(continueToken))
            {
                return resourceVersion;
            }

            if (!tokens.Add(continueToken))
            {
                // A server (or a proxy caching pages) that hands back a token it already sent would page forever.
                throw Malformed(url, $"pagination loops: the server sent the same continue token again after {pages} pages");
            }
        }
    }

    private static string? StringField(JsonObject? obj, string key, Uri url) => obj?[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => throw Malformed(url, $"metadata.{key} is {KindOf(other)}, not a string"),
    };

    /// <summary>What <paramref name="item"/> says its <paramref name="key"/> is when that is not <paramref name="expected"/>; null when absent or equal.</summary>
    private static string? Claims(JsonObject item, string key, string expected) => item[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s == expected ? null : $"{key} {s}",
        var other => $"{key} of JSON type {KindOf(other)}",
    };

    private static string KindOf(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

    private static KubeUnavailableException Malformed(Uri url, string reason) => new($"GET {url}: {reason}", url);
}

/// <summary>Receives the items of a paged list as they arrive (<see cref="KubeClient.ListEachAsync"/>).</summary>
public interface IListItems
{
    void Add(JsonObject item);

    /// <summary>The list starts over (its continue token expired): forget every item added so far.</summary>
    void Clear();
}
