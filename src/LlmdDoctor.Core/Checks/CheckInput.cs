namespace LlmdDoctor.Core.Checks;

/// <summary>
/// A piece of collected data a check reads. Collectors record for each input whether it was collected,
/// and if not, why (absent CRD, RBAC, source down); the runner uses that to skip a check with a reason
/// or to report LLMD0002/LLMD0003 instead of calling a missing input "healthy".
/// </summary>
public enum CheckInput
{
    Gateways,
    HttpRoutes,
    InferencePools,
    Services,
    Pods,
    Deployments,
    Namespaces,
    LlmInferenceServices,
    EnvoyFilters,
    IstioVersion,
    EnvoyConfig,
    EnvoyStats,
    Probes,
    EndpointPickerConversations,
    Monitors,
    ConfigMaps,
    PrometheusRules,
    Prometheus,

    /// <summary>The monitoring collector ran and tried every endpoint (the datasource checks read its outcomes).</summary>
    MonitoringEndpoints,
    GrafanaObjects,
    Grafana,
    Alertmanager,
}

/// <summary>What became of one input during collection.</summary>
public enum InputStatus
{
    /// <summary>Collected (possibly empty: an empty list is an answer).</summary>
    Available,

    /// <summary>Not part of this run (e.g. no probes in <c>analyze</c>, no Grafana URL configured): checks skip.</summary>
    NotCollected,

    /// <summary>The API does not exist on this cluster (CRD not installed): checks skip.</summary>
    Absent,

    /// <summary>RBAC forbade reading it: LLMD0002.</summary>
    Denied,

    /// <summary>The source could not be reached or answered garbage: LLMD0003.</summary>
    Unavailable,
}

/// <summary>The state of one input, with the source it came from and a reason when not available.</summary>
public sealed record InputState(InputStatus Status, string Source, string Reason)
{
    public static InputState Available(string source) => new(InputStatus.Available, source, "");
    public static InputState NotCollected(string reason) => new(InputStatus.NotCollected, "", reason);
    public static InputState Absent(string source, string reason) => new(InputStatus.Absent, source, reason);
    public static InputState Denied(string source, string reason) => new(InputStatus.Denied, source, reason);
    public static InputState Unavailable(string source, string reason) => new(InputStatus.Unavailable, source, reason);
}
