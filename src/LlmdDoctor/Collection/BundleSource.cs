using LlmdDoctor.Agent;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Envoy.Admin;
using LlmdDoctor.Envoy.ConfigDump;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Monitoring.Collection;

namespace LlmdDoctor.Collection;

/// <summary>
/// A saved bundle (design.md §9): objects, Envoy dumps; what needs a live cluster (probes, EPP conversations,
/// monitoring APIs) is "not collected", so those checks are skipped with the reason — never called healthy.
/// </summary>
public sealed class BundleSource(string directory, string kind = "bundle", string? name = null, long? maxDumpBytes = null) : IInputSource
{
    public string Kind => kind;
    public string Name => name ?? Path.GetFileName(Path.GetFullPath(directory).TrimEnd('/'));

    public Task<DoctorInputs> CollectAsync(CancellationToken cancellation)
    {
        Bundle bundle;
        try
        {
            bundle = BundleReader.Read(directory);
        }
        catch (Exception ex) when (ex is EmptyBundleException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new SourceUnreachableException(ex is EmptyBundleException ? ex.Message : $"bundle {directory}: {ex.Message}", ex);
        }

        var envoy = EnvoyBundleReader.Read(bundle.Envoy, bundle.Snapshot,
            maxDumpBytes is { } max ? ConfigDumpOptions.Default with { MaxBytes = max } : null,
            hasEnvoyDirectory: Directory.Exists(Path.Combine(bundle.Root, "envoy")));
        var states = new Dictionary<CheckInput, InputState>(bundle.Inputs)
        {
            [CheckInput.EnvoyConfig] = envoy.ConfigState,
            [CheckInput.EnvoyStats] = envoy.StatsState,
            [CheckInput.Probes] = InputState.NotCollected("probes run against a live cluster (check, serve), not a bundle"),
            [CheckInput.EndpointPickerConversations] = InputState.NotCollected("Endpoint Pickers are only dialled in a live run"),
            [CheckInput.Prometheus] = InputState.NotCollected("Prometheus/Thanos is only queried in a live run"),
            [CheckInput.Grafana] = InputState.NotCollected("Grafana is only queried in a live run"),
            [CheckInput.Alertmanager] = InputState.NotCollected("Alertmanager is only queried in a live run"),
            [CheckInput.MonitoringEndpoints] = InputState.NotCollected("monitoring endpoints are only dialled in a live run"),
        };
        return Task.FromResult(new DoctorInputs
        {
            Cluster = bundle.Snapshot,
            Envoy = envoy.Gateways,
            Monitoring = MonitoringCollector.DeriveFromSnapshot(bundle.Snapshot),
            States = states,
            SourceProblems = [.. bundle.Problems.Select(p => new SourceProblem($"{Name}/{p.File}", p.Reason))],
        });
    }
}
