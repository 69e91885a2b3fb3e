namespace LlmdDoctor.Core.Checks;

/// <summary>The structural checks on the inventory, sorted by check name.</summary>
public static class ClusterChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new EndpointPickerNotReadyCheck(),        // epp.Ready
        new GatewayNotReadyCheck(),               // gateway.Ready
        new InferencePoolNotAcceptedCheck(),      // pool.Accepted
        new InferencePoolApiMismatchCheck(),      // pool.ApiGroupRead
        new InferencePoolNoReadyEndpointsCheck(), // pool.ReadyEndpoints
        new HttpRouteNotAcceptedCheck(),          // route.Accepted
        new RouteBackendMissingCheck(),           // route.BackendExists
    ];
}
