using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Kubernetes;

/// <summary>How one kind fared: its state, where it was read from and how many objects came back.</summary>
public sealed record KindResult(InventoryKind Kind, InputState State, int Count);

/// <summary>The result of one live collection.</summary>
/// <param name="Objects">The raw objects (for <see cref="BundleWriter"/>), only when <see cref="LiveInventoryOptions.KeepObjects"/> is set.</param>
public sealed record LiveInventory(
    ClusterSnapshot Snapshot,
    IReadOnlyDictionary<CheckInput, InputState> Inputs,
    IReadOnlyList<KindResult> Kinds,
    IReadOnlyList<JsonObject> Objects);

public sealed record LiveInventoryOptions
{
    /// <summary>Keep the raw objects in <see cref="LiveInventory.Objects"/> (for <c>collect</c>).</summary>
    public bool KeepObjects { get; init; }

    /// <summary>Lists running at once; the API server's priority and fairness prefers a few to many.</summary>
    public int Concurrency { get; init; } = 4;
}

/// <summary>
/// Lists every kind in <see cref="InventoryKind.All"/> cluster-wide (ConfigMaps: see
/// <see cref="InventoryKind.ConfigMapNamespaces"/>), Secrets as metadata only, and builds the snapshot. Each
/// check input is Available, Absent (its CRDs are not served), Denied (403 on one of its kinds) or
/// Unavailable (5xx, timeout, bad answer); the state's Source names the kind and URL at fault.
/// Items are projected into the snapshot's typed objects page by page (a kind's own
/// <see cref="ClusterSnapshotBuilder"/>): no page and no raw object outlives its reading unless
/// <see cref="LiveInventoryOptions.KeepObjects"/> asks for them. One malformed item (a field of the wrong JSON type,
/// a duplicate key, a non-object) makes its kind Unavailable with the reason, never the collection.
/// </summary>
public sealed class LiveInventoryCollector(KubeClient client, LiveInventoryOptions? options = null)
{
    private readonly LiveInventoryOptions _options = options ?? new LiveInventoryOptions();

    private sealed record Outcome(InventoryKind Kind, InputState State, ClusterSnapshot Part, int Count, IReadOnlyList<JsonObject> Kept)
    {
        public static Outcome Empty(InventoryKind kind, InputState state) => new(kind, state, ClusterSnapshot.Empty, 0, []);
    }

    /// <summary>Projects each listed item into a per-kind builder as it arrives (and keeps it for <c>collect</c> when asked).</summary>
    private sealed class KindItems(bool keep, string origin) : IListItems
    {
        public ClusterSnapshotBuilder Builder { get; private set; } = new();
        public List<JsonObject> Kept { get; } = [];
        public int Count { get; private set; }

        public void Add(JsonObject item) => Add(item, origin);

        public void Add(JsonObject item, string from)
        {
            Count++;
            if (keep)
            {
                // The builder trims what it reads; collect writes the object as the server sent it.
                Kept.Add((JsonObject)item.DeepClone());
            }

            Builder.Add(item, from);
        }

        public void Clear()
        {
            Builder = new ClusterSnapshotBuilder();
            Kept.Clear();
            Count = 0;
        }
    }

    /// <exception cref="ClusterUnreachableException">The API server cannot be used at all.</exception>
    public async Task<LiveInventory> CollectAsync(CancellationToken cancellationToken = default)
    {
        var discovered = (await ApiDiscovery.DiscoverAsync(client, InventoryKind.All.Where(k => !k.Core).Select(k => k.Api), cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.Request);

        using var gate = new SemaphoreSlim(_options.Concurrency);
        var pending = InventoryKind.All
            .Where(k => k.Api.Kind != "ConfigMap")
            .ToDictionary(k => k, k => Throttled(gate, () => CollectKindAsync(k, discovered, cancellationToken), cancellationToken));
        await Task.WhenAll(pending.Values).ConfigureAwait(false);

        var parts = pending.Values.Select(t => t.Result.Part).ToList();
        var configMaps = InventoryKind.All.First(k => k.Api.Kind == "ConfigMap");
        var configMapOutcome = await CollectConfigMapsAsync(configMaps, ReferencedConfigMaps(parts), cancellationToken).ConfigureAwait(false);

        var outcomes = InventoryKind.All.Select(k => k == configMaps ? configMapOutcome : pending[k].Result).ToList();
        return new LiveInventory(
            ClusterSnapshot.Combine(outcomes.Select(o => o.Part)),
            Aggregate(outcomes),
            [.. outcomes.Select(o => new KindResult(o.Kind, o.State, o.Count))],
            [.. outcomes.SelectMany(o => o.Kept)]);
    }

    private static async Task<Outcome> Throttled(SemaphoreSlim gate, Func<Task<Outcome>> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Outcome> CollectKindAsync(InventoryKind kind, Dictionary<ApiRequest, DiscoveredApi> discovered, CancellationToken cancellationToken)
    {
        KubeResource resource;
        if (kind.Core)
        {
            resource = new KubeResource(kind.Api.Group, kind.Api.Versions[0], kind.Api.Plural, kind.Api.Kind, Namespaced: kind.Api.Plural != "namespaces");
        }
        else
        {
            var found = discovered[kind.Api];
            switch (found.Availability)
            {
                case ApiAvailability.NotServed:
                    return Outcome.Empty(kind, InputState.Absent(
                        $"{kind.Api.Kind} ({client.Url($"/apis/{kind.Api.Group}")})",
                        $"{kind.Api} is not served in {string.Join(" or ", kind.Api.Versions)} by this cluster (CRD not installed)"));
                case ApiAvailability.Failed:
                    return Failed(kind, found.Error!);
            }

            resource = found.Resource!;
        }

        var url = client.Url(resource.CollectionPath(null));
        var items = new KindItems(_options.KeepObjects, url.ToString());
        try
        {
            if (kind.Api.Kind == "Secret")
            {
                await client.ListSecretMetadataEachAsync(ListOptions.All, items, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.ListEachAsync(resource, ListOptions.All, items, cancellationToken).ConfigureAwait(false);
            }

            return Projected(kind, $"{kind.Api.Kind} ({url})", items);
        }
        catch (KubeNotFoundException ex)
        {
            return Outcome.Empty(kind, InputState.Absent($"{kind.Api.Kind} ({url})", $"{resource} is no longer served: {ex.Message}"));
        }
        catch (KubeApiException ex)
        {
            return Failed(kind, ex);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
        {
            return Outcome.Empty(kind, InputState.Unavailable($"{kind.Api.Kind} ({url})", $"GET {url}: the answer could not be read ({ex.Message})"));
        }
    }

    /// <summary>
    /// The kind as read, or Unavailable when any of its items did not fit its shape: a kind missing some of its
    /// objects would pass checks it cannot judge (a route whose pool was dropped looks like a missing backend).
    /// </summary>
    private static Outcome Projected(InventoryKind kind, string source, KindItems items)
    {
        var part = items.Builder.Build();
        if (part.Problems.Count == 0)
        {
            return new Outcome(kind, InputState.Available(source), part, items.Count, items.Kept);
        }

        var more = part.Problems.Count > 1 ? $" (and {part.Problems.Count - 1} more)" : "";
        return Outcome.Empty(kind, InputState.Unavailable(source,
            $"{part.Problems.Count} of {items.Count} objects could not be read, so none is used: {part.Problems[0]}{more}"));
    }

    private async Task<Outcome> CollectConfigMapsAsync(InventoryKind kind, IEnumerable<(string Namespace, string Name)> referenced, CancellationToken cancellationToken)
    {
        var resource = KubeResource.ConfigMaps;
        var sources = new List<string>();
        var items = new KindItems(_options.KeepObjects, "");
        try
        {
            foreach (var ns in InventoryKind.ConfigMapNamespaces)
            {
                var url = client.Url(resource.CollectionPath(ns));
                sources.Add(url.ToString());
                // Two namespaces of a few objects: listed whole, so an expired continue token restarts only its own list.
                var list = await client.ListAsync(resource, new ListOptions { Namespace = ns }, cancellationToken).ConfigureAwait(false);
                foreach (var item in list.Items)
                {
                    items.Add(item, url.ToString());
                }
            }

            foreach (var (ns, name) in referenced.Where(r => !InventoryKind.ConfigMapNamespaces.Contains(r.Namespace)))
            {
                var url = client.Url(resource.ItemPath(ns, name));
                sources.Add(url.ToString());
                if (await client.GetAsync(resource, ns, name, cancellationToken).ConfigureAwait(false) is { } configMap)
                {
                    items.Add(configMap, url.ToString());
                }
            }
        }
        catch (KubeApiException ex)
        {
            return Failed(kind, ex);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or NotSupportedException)
        {
            return Outcome.Empty(kind, InputState.Unavailable($"ConfigMap ({string.Join(", ", sources)})", $"the answer could not be read ({ex.Message})"));
        }

        return Projected(kind, $"ConfigMap ({string.Join(", ", sources)})", items);
    }

    /// <summary>
    /// The ConfigMaps, in the referrer's own namespace, that a GrafanaDashboard (<c>spec.configMapRef</c>) or a
    /// ServiceMonitor/PodMonitor endpoint (<c>tlsConfig.ca.configMap</c>, <c>tlsConfig.cert.configMap</c>) reads.
    /// </summary>
    private static IEnumerable<(string Namespace, string Name)> ReferencedConfigMaps(IReadOnlyList<ClusterSnapshot> parts) =>
        parts.SelectMany(p => p.GrafanaDashboards).Select(d => (Ns: d.Metadata.Namespace, Name: d.Spec.ConfigMapRef?.Name))
            .Concat(parts.SelectMany(p => p.ServiceMonitors.Select(m => (m.Metadata, Endpoints: m.Spec.Endpoints))
                    .Concat(p.PodMonitors.Select(m => (m.Metadata, Endpoints: m.Spec.PodMetricsEndpoints))))
                .SelectMany(m => m.Endpoints.SelectMany(e => e.ConfigMapReferences()).Select(r => (Ns: m.Metadata.Namespace, Name: (string?)r.ConfigMap.Name))))
            .Where(r => !string.IsNullOrEmpty(r.Ns) && !string.IsNullOrEmpty(r.Name))
            .Select(r => (r.Ns!, r.Name!))
            .Distinct();

    private static Outcome Failed(InventoryKind kind, KubeApiException error)
    {
        var source = $"{kind.Api.Kind} ({error.Url})";
        var state = error is KubeForbiddenException
            ? InputState.Denied(source, error.Message)
            : InputState.Unavailable(source, error.Message);
        return Outcome.Empty(kind, state);
    }

    /// <summary>Denied beats Unavailable beats Available; Absent only when every kind of the input is absent.</summary>
    private static Dictionary<CheckInput, InputState> Aggregate(IEnumerable<Outcome> outcomes) =>
        outcomes
            .Where(o => o.Kind.Input is not null)
            .GroupBy(o => o.Kind.Input!.Value)
            .ToDictionary(g => g.Key, g =>
            {
                var states = g.Select(o => o.State).ToList();
                var worst = states.FirstOrDefault(s => s.Status == InputStatus.Denied)
                    ?? states.FirstOrDefault(s => s.Status == InputStatus.Unavailable);
                if (worst is not null)
                {
                    return worst;
                }

                if (states.All(s => s.Status == InputStatus.Absent))
                {
                    return states.Count == 1 ? states[0] : InputState.Absent(
                        string.Join("; ", states.Select(s => s.Source)),
                        string.Join("; ", states.Select(s => s.Reason)));
                }

                return InputState.Available(string.Join("; ", states.Where(s => s.Status == InputStatus.Available).Select(s => s.Source)));
            });
}
