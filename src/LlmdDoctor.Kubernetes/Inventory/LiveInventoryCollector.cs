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
/// </summary>
public sealed class LiveInventoryCollector(KubeClient client, LiveInventoryOptions? options = null)
{
    private readonly LiveInventoryOptions _options = options ?? new LiveInventoryOptions();

    private sealed record Outcome(InventoryKind Kind, InputState State, IReadOnlyList<(JsonObject Item, string Origin)> Items);

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

        var referrers = pending.Values.Select(t => t.Result).Where(o => o.Kind.Api.Kind is "GrafanaDashboard" or "ServiceMonitor" or "PodMonitor").SelectMany(o => o.Items);
        var configMaps = InventoryKind.All.First(k => k.Api.Kind == "ConfigMap");
        var configMapOutcome = await CollectConfigMapsAsync(configMaps, referrers.Select(d => d.Item), cancellationToken).ConfigureAwait(false);

        var outcomes = InventoryKind.All.Select(k => k == configMaps ? configMapOutcome : pending[k].Result).ToList();
        var builder = new ClusterSnapshotBuilder();
        var objects = new List<JsonObject>();
        foreach (var outcome in outcomes)
        {
            foreach (var (item, origin) in outcome.Items)
            {
                builder.Add(item, origin);
                if (_options.KeepObjects)
                {
                    objects.Add(item);
                }
            }
        }

        return new LiveInventory(
            builder.Build(),
            Aggregate(outcomes),
            [.. outcomes.Select(o => new KindResult(o.Kind, o.State, o.Items.Count))],
            objects);
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
                    return new Outcome(kind, InputState.Absent(
                        $"{kind.Api.Kind} ({client.Url($"/apis/{kind.Api.Group}")})",
                        $"{kind.Api} is not served in {string.Join(" or ", kind.Api.Versions)} by this cluster (CRD not installed)"), []);
                case ApiAvailability.Failed:
                    return Failed(kind, found.Error!);
            }

            resource = found.Resource!;
        }

        var url = client.Url(resource.CollectionPath(null));
        try
        {
            var list = kind.Api.Kind == "Secret"
                ? await client.ListSecretMetadataAsync(ListOptions.All, cancellationToken).ConfigureAwait(false)
                : await client.ListAsync(resource, ListOptions.All, cancellationToken).ConfigureAwait(false);
            var origin = url.ToString();
            return new Outcome(kind, InputState.Available($"{kind.Api.Kind} ({url})"), [.. list.Items.Select(i => (i, origin))]);
        }
        catch (KubeNotFoundException ex)
        {
            return new Outcome(kind, InputState.Absent($"{kind.Api.Kind} ({url})", $"{resource} is no longer served: {ex.Message}"), []);
        }
        catch (KubeApiException ex)
        {
            return Failed(kind, ex);
        }
    }

    private async Task<Outcome> CollectConfigMapsAsync(InventoryKind kind, IEnumerable<JsonObject> referrers, CancellationToken cancellationToken)
    {
        var resource = KubeResource.ConfigMaps;
        var items = new List<(JsonObject, string)>();
        var sources = new List<string>();
        try
        {
            foreach (var ns in InventoryKind.ConfigMapNamespaces)
            {
                var url = client.Url(resource.CollectionPath(ns));
                sources.Add(url.ToString());
                var list = await client.ListAsync(resource, new ListOptions { Namespace = ns }, cancellationToken).ConfigureAwait(false);
                items.AddRange(list.Items.Select(i => (i, url.ToString())));
            }

            foreach (var (ns, name) in ReferencedConfigMaps(referrers).Where(r => !InventoryKind.ConfigMapNamespaces.Contains(r.Namespace)))
            {
                var url = client.Url(resource.ItemPath(ns, name));
                sources.Add(url.ToString());
                if (await client.GetAsync(resource, ns, name, cancellationToken).ConfigureAwait(false) is { } configMap)
                {
                    items.Add((configMap, url.ToString()));
                }
            }
        }
        catch (KubeApiException ex)
        {
            return Failed(kind, ex);
        }

        return new Outcome(kind, InputState.Available($"ConfigMap ({string.Join(", ", sources)})"), items);
    }

    /// <summary>
    /// The ConfigMaps, in the referrer's own namespace, that a GrafanaDashboard (<c>spec.configMapRef</c>) or a
    /// ServiceMonitor/PodMonitor endpoint (<c>tlsConfig.ca.configMap</c>, <c>tlsConfig.cert.configMap</c>) reads.
    /// </summary>
    private static IEnumerable<(string Namespace, string Name)> ReferencedConfigMaps(IEnumerable<JsonObject> referrers) =>
        referrers
            .SelectMany(o => ConfigMapNames(o).Select(name => (Ns: o["metadata"]?["namespace"]?.GetValue<string>(), Name: name)))
            .Where(r => !string.IsNullOrEmpty(r.Ns) && !string.IsNullOrEmpty(r.Name))
            .Select(r => (r.Ns!, r.Name!))
            .Distinct();

    private static IEnumerable<string?> ConfigMapNames(JsonObject referrer)
    {
        var spec = referrer["spec"];
        yield return Text(spec?["configMapRef"]?["name"]);
        var endpoints = (spec?["endpoints"] ?? spec?["podMetricsEndpoints"]) as JsonArray ?? [];
        foreach (var tls in endpoints.Select(e => e?["tlsConfig"]))
        {
            yield return Text(tls?["ca"]?["configMap"]?["name"]);
            yield return Text(tls?["cert"]?["configMap"]?["name"]);
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static Outcome Failed(InventoryKind kind, KubeApiException error)
    {
        var source = $"{kind.Api.Kind} ({error.Url})";
        var state = error is KubeForbiddenException
            ? InputState.Denied(source, error.Message)
            : InputState.Unavailable(source, error.Message);
        return new Outcome(kind, state, []);
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
