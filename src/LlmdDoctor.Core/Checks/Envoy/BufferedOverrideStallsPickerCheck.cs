using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0306: a route's effective request body mode is BUFFERED in front of an Endpoint Picker that only streams.
/// Envoy in BUFFERED holds the body until the request-headers answer arrives (envoy ext_proc.cc
/// <c>Filter::onData</c>), and a streaming EPP (GIE ≥ v0.4, the llm-d scheduler) answers request headers only
/// after the body's end of stream (GIE pkg/epp/handlers/server.go @v1.0.0): each POST waits for
/// <c>message_timeout</c> (1000 s on Istio, pilot/pkg/xds/filters/filters.go @1.27.0), then bypasses the EPP
/// (fail-open) or fails (fail-closed). When the EPP's release cannot be told from its image the finding needs
/// its own evidence, a POST probe through that route that timed out; without one it is a skip reason, not a
/// critical guessed from a digest. Envoy's <c>ext_proc.message_timeouts</c> is shown as evidence but decides nothing:
/// it counts every route of the listener since the proxy started.
/// </summary>
public sealed class BufferedOverrideStallsPickerCheck : ICheck
{
    public string Name => "envoy.BufferedOverride";
    public string Description => "routes whose effective ext_proc request body mode is BUFFERED in front of an Endpoint Picker that only streams";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig, CheckInput.Pods];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.BufferedOverrideStallsPicker];

    public void Run(CheckContext context)
    {
        foreach (var scanned in EnvoyRouteScan.Routes(context))
        {
            if (scanned.Mode is not { Active: true, RequestBody: BodySendMode.Buffered } mode)
            {
                continue;
            }

            var picker = EndpointPickerRelease.Of(context.Cluster, mode.EndpointPickerCluster);
            var stalled = context.Inputs.Probes.Results
                .Where(p => p.Target.GatewayKey == scanned.Pod.GatewayKey && p.Target.EnvoyRouteName == scanned.Route.Name
                    && p.Target.Method == "POST" && p.Reason == ProbeFailureReason.Timeout)
                .Select(p => p.Target.Path).ToList();
            if (picker.Handling == PickerBodyHandling.AcceptsBuffered
                || (picker.Handling == PickerBodyHandling.Unknown && stalled.Count == 0))
            {
                if (picker.Handling == PickerBodyHandling.Unknown)
                {
                    context.Skip($"route {scanned.Route.Name} on Gateway {scanned.Pod.GatewayKey} runs BUFFERED in front of an Endpoint Picker of unknown release ({picker.Basis}) and no POST probe timed out: not judged");
                }

                continue;
            }

            context.Report(FindingCatalog.BufferedOverrideStallsPicker.At(scanned.Gateway,
                ("gateway", scanned.Pod.GatewayKey),
                ("route", scanned.Route.Name),
                ("eppCluster", mode.EndpointPickerCluster ?? "unknown"),
                ("eppVersion", picker.Version),
                ("eppVersionBasis", picker.Basis),
                ("processingMode", mode.Mode.ToString()),
                ("failOpen", mode.FailOpenBasis),
                ("messageTimeout", scanned.Pod.ExtProcFilterFor(scanned.Route)?.MessageTimeout ?? "unknown"),
                ("postProbesTimedOut", stalled.Count == 0 ? "none seen" : EnvoyRouteScan.Join(stalled)),
                ("extProcMessageTimeouts", scanned.Pod.ExtProcMessageTimeouts is { } timeouts
                    ? $"{timeouts.ToString(System.Globalization.CultureInfo.InvariantCulture)} (all ext_proc filters of the pod, since the proxy started)"
                    : "not read"),
                ("pod", scanned.Pod.PodName)));
        }
    }
}
