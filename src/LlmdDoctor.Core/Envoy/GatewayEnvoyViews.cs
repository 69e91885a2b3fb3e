using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Envoy;

/// <summary>The Envoy data of a run grouped by gateway, and route lookups across a gateway's pods.</summary>
public sealed class GatewayEnvoyViews
{
    private readonly Dictionary<string, List<GatewayEnvoyData>> _byGateway;

    private GatewayEnvoyViews(Dictionary<string, List<GatewayEnvoyData>> byGateway) => _byGateway = byGateway;

    public static GatewayEnvoyViews Of(IReadOnlyList<GatewayEnvoyData> envoy)
    {
        var map = new Dictionary<string, List<GatewayEnvoyData>>(StringComparer.Ordinal);
        foreach (var data in envoy.OrderBy(d => d.GatewayKey, StringComparer.Ordinal).ThenBy(d => d.PodName, StringComparer.Ordinal))
        {
            if (!map.TryGetValue(data.GatewayKey, out var list))
            {
                map[data.GatewayKey] = list = [];
            }

            list.Add(data);
        }

        return new GatewayEnvoyViews(map);
    }

    /// <summary>Gateways (<c>ns/name</c>) with Envoy data, readable or not, sorted.</summary>
    public IEnumerable<string> Gateways => _byGateway.Keys.Order(StringComparer.Ordinal);

    /// <summary>Every pod's data of the gateway, readable or not.</summary>
    public IReadOnlyList<GatewayEnvoyData> PodsOf(string gatewayKey) =>
        _byGateway.TryGetValue(gatewayKey, out var list) ? list : [];

    /// <summary>The pods of the gateway whose dump was read completely.</summary>
    public IReadOnlyList<GatewayEnvoyData> ReadablePodsOf(string gatewayKey) =>
        [.. PodsOf(gatewayKey).Where(d => d.IsReadable)];

    /// <summary>Envoy data was collected for the gateway but none of its dumps could be read.</summary>
    public bool IsUnreadable(string gatewayKey) => PodsOf(gatewayKey) is { Count: > 0 } pods && pods.All(d => !d.IsReadable);

    /// <summary>
    /// The effective ext_proc mode of the flow's own Envoy route (<see cref="EnvoyRouteIdentity"/>: name, listener
    /// and match, so a rule name shared by two models does not lend one the other's mode), from the first readable
    /// pod that has it; null when unknown.
    /// </summary>
    public EffectiveExtProcMode? EffectiveModeOf(RequestFlow flow)
    {
        foreach (var pod in ReadablePodsOf(flow.GatewayKey))
        {
            if (pod.RoutesOf(flow) is { Count: > 0 } routes)
            {
                return pod.EffectiveExtProc(routes[0]);
            }
        }

        return null;
    }

    /// <summary>
    /// The report's <c>effectiveBodyMode</c> of a flow (<c>FULL_DUPLEX_STREAMED</c>, <c>BUFFERED</c>, <c>NONE</c> when
    /// ext_proc does not process the body); null when no readable dump of the gateway has the route.
    /// </summary>
    public string? EffectiveBodyModeOf(RequestFlow flow) => EffectiveModeOf(flow)?.EffectiveBodyMode;
}
