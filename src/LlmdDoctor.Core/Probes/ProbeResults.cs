using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Probes;

/// <summary>The probe results of a cycle, per flow, with their recent history.</summary>
public sealed record ProbeResults
{
    public static ProbeResults Empty { get; } = new();

    public DateTimeOffset CollectedAt { get; init; }

    /// <summary>This cycle's results, one per planned probe (probes not sent have <see cref="ProbeFailureReason.NotRun"/>).</summary>
    public IReadOnlyList<ProbeResult> Results { get; init; } = [];

    /// <summary>What the plan could not probe this cycle, with the reason.</summary>
    public IReadOnlyList<UnprobedTarget> Unprobed { get; init; } = [];

    /// <summary>Earlier cycles (including this one once the agent appended it).</summary>
    public ProbeHistory History { get; init; } = ProbeHistory.Empty;

    /// <summary>This cycle's <c>GET /v1/models</c> through the same gateway, listener and prefix as <paramref name="probe"/>.</summary>
    public ProbeResult? ModelListFor(ProbeResult probe) => SameGroup(probe, ProbeKind.Models);

    /// <summary>This cycle's direct probe of the model Service behind the same gateway and prefix.</summary>
    public ProbeResult? DirectFor(ProbeResult probe) => SameGroup(probe, ProbeKind.Direct);

    /// <summary>The report's <c>flows[].probes</c> of one flow: the probes Envoy routes by that rule match.</summary>
    public IReadOnlyList<FlowProbeSummary> ForFlow(string gatewayKey, string routeKey, int ruleIndex, int matchIndex = 0) =>
        [.. Results
            .Where(r => r.Target.GatewayKey == gatewayKey && r.Target.RouteKey == routeKey && r.Target.RuleIndex == ruleIndex
                && r.Target.MatchIndex == matchIndex)
            .Select(r => new FlowProbeSummary(r.Target.Kind.ToLabel(), r.Status, r.Timings.TotalMilliseconds))];

    public IReadOnlyList<FlowProbeSummary> ForFlow(RequestFlow flow) => ForFlow(flow.GatewayKey, flow.RouteKey, flow.RuleIndex, flow.MatchIndex);

    /// <summary>Metric inputs of this cycle's probes that ran.</summary>
    public IReadOnlyList<ProbeMetricSample> MetricSamples() =>
        [.. Results.Where(r => r.Reason != ProbeFailureReason.NotRun).Select(ProbeMetricSample.Of)];

    private ProbeResult? SameGroup(ProbeResult probe, ProbeKind kind) =>
        Results.FirstOrDefault(r => r.Target.Kind == kind
            && r.Target.GatewayKey == probe.Target.GatewayKey
            && r.Target.Entry == probe.Target.Entry
            && (kind == ProbeKind.Direct || BaseOf(r.Target.Url) == BaseOf(probe.Target.Url)));

    private static string BaseOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : url;
}
