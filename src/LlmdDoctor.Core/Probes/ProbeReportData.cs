namespace LlmdDoctor.Core.Probes;

/// <summary>One entry of the report's <c>flows[].probes</c> (design.md §4).</summary>
public sealed record FlowProbeSummary(string Probe, int Status, long Ms);

/// <summary>
/// The inputs of the probe metrics of one result (design.md §6): the label values and
/// <c>llmd_doctor_probe_success</c>, <c>llmd_doctor_probe_http_status_code</c>,
/// <c>llmd_doctor_probe_duration_seconds{phase}</c>. Label values are bounded (names, never error text).
/// </summary>
public sealed record ProbeMetricSample(
    string GatewayNamespace,
    string Gateway,
    string Namespace,
    string Route,
    string Model,
    string Probe,
    int Success,
    int HttpStatusCode,
    ProbeTimings Timings)
{
    /// <summary>Every phase, in order, with its <c>phase</c> label.</summary>
    public static IReadOnlyList<(ProbePhase Phase, string Label)> Phases { get; } = [.. Enum.GetValues<ProbePhase>().Select(p => (p, p.ToLabel()))];

    /// <summary>Seconds of each phase, in the order of <see cref="Phases"/>.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> DurationSeconds => [.. Phases.Select(p => (p.Label, Timings.Of(p.Phase).TotalSeconds))];

    public static ProbeMetricSample Of(ProbeResult result)
    {
        var t = result.Target;
        var model = t.ExpectedModel ?? result.Model ?? (result.ModelIds.Count > 0 ? result.ModelIds[0] : "");
        return new ProbeMetricSample(
            t.GatewayNamespace, t.GatewayName,
            t.Kind == ProbeKind.Direct && t.Service is { } svc ? svc.Split('/')[0] : t.RouteNamespace,
            t.RouteName, model, t.Kind.ToLabel(), result.Success ? 1 : 0, result.Status, result.Timings);
    }
}

/// <summary>A gateway × prefix the plan could not probe, and why (no address, excluded, …).</summary>
public sealed record UnprobedTarget(string Gateway, string ApiPrefix, string Reason);
