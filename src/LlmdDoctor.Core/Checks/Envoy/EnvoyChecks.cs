namespace LlmdDoctor.Core.Checks;

/// <summary>The Envoy checks, sorted by name.</summary>
public static class EnvoyChecks
{
    public static IReadOnlyList<ICheck> All { get; } =
    [
        new EnvoyAdminDataUnreadableCheck(),       // envoy.AdminDataReadable
        new BufferedOverrideStallsPickerCheck(),   // envoy.BufferedOverride
        new EnvoyDumpWithoutGatewayCheck(),        // envoy.DumpMapsToGateway
        new EndpointPickerUnreachableCheck(),      // envoy.EndpointPickerReachable
        new EnvoyFilterFixNotCoveringCheck(),      // envoy.EnvoyFilterFixCoverage
        new EnvoyFilterStaleRouteNameCheck(),      // envoy.EnvoyFilterRouteNames
        new ExtProcBodyLossRiskCheck(),            // envoy.ExtProcBodyLoss
        new ExtProcTrailerModeMissingCheck(),      // envoy.ExtProcTrailerMode
        new ExtProcKnownIssueCheck(),              // envoy.KnownIssues
        new EnvoyRouteNotProgrammedCheck(),        // envoy.RouteProgrammed
    ];
}
