using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Trace;

/// <summary>Everything one trace observed, gathered by the command (I/O) and explained by <see cref="RequestTraceExplainer"/> (none).</summary>
public sealed record TraceEvidence
{
    public required TracedRequest Request { get; init; }
    public required ClusterSnapshot Cluster { get; init; }
    public required Gateway Gateway { get; init; }

    /// <summary>The port of the URL the request went to.</summary>
    public required int Port { get; init; }

    /// <summary>The request's headers as sent (for route matching only; never rendered).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The request-flow map of this gateway (the HTTPRoute side).</summary>
    public IReadOnlyList<RequestFlow> Flows { get; init; } = [];

    /// <summary>One readable Envoy dump of the gateway, read before the request (stats included when they could be read).</summary>
    public GatewayEnvoyData? Envoy { get; init; }

    /// <summary>Why <see cref="Envoy"/> is missing (no pod, port-forward denied, dump unreadable).</summary>
    public string? EnvoyUnavailable { get; init; }

    /// <summary>The Endpoint Picker clusters' counters read again right after the request; null when not read.</summary>
    public IReadOnlyDictionary<string, UpstreamClusterStats>? StatsAfter { get; init; }

    /// <summary>The gateway's answer to the request.</summary>
    public ProbeResult? Answer { get; init; }

    /// <summary>The direct ext_proc conversation with the route's Endpoint Picker, same headers and body.</summary>
    public EndpointPickerConversation? Picker { get; init; }

    /// <summary>Where the conversation went (<c>https://svc.ns.svc.cluster.local:9002</c>).</summary>
    public string? PickerAddress { get; init; }

    /// <summary>Why the Endpoint Picker was not asked (outside the cluster, no pool on the route …).</summary>
    public string? PickerSkipped { get; init; }

    /// <summary>Base of every runbook URL.</summary>
    public string RunbookBaseUrl { get; init; } = Reporting.ReportBuilder.DefaultRunbookBaseUrl;
}
