using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Agent;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Core.Security;
using LlmdDoctor.Core.Telemetry;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Monitoring.Collection;
using LlmdDoctor.Probes;

namespace LlmdDoctor.Collection;

/// <summary>
/// A live cluster: the inventory from the Kubernetes API, Envoy admin through port-forward, probes through every
/// gateway, direct conversations with every Endpoint Picker, and the monitoring APIs. Read-only toward the
/// cluster; the only writes are the probes' own tiny requests (max_tokens 1).
/// </summary>
public sealed class LiveClusterSource : IInputSource, IDisposable
{
    private readonly KubeClient _client;
    private readonly DoctorConfig _config;
    private readonly ServiceAddresses _addresses;
    private readonly bool _inCluster;
    private ProbeHistory _history;
    private readonly Core.Envoy.EnvoyCounterBaseline _counters = new();

    public LiveClusterSource(KubeConnection connection, DoctorConfig config, ServiceAddresses? addresses = null, string kind = "cluster", string? name = null)
    {
        _client = new KubeClient(RegisteredCredentialSource.Of(connection));
        _config = config;
        _addresses = addresses ?? new ServiceAddresses();
        _inCluster = InClusterConnection.IsAvailable();
        _history = ProbeHistory.Create(config.Limits.ProbeHistory, config.Limits.ProbeHistory);
        Kind = kind;
        Name = name ?? connection.Server.Host;
    }

    public string Kind { get; }
    public string Name { get; }

    public async Task<DoctorInputs> CollectAsync(CancellationToken cancellation)
    {
        LiveInventory inventory;
        try
        {
            // Typed projections only: the raw objects are not kept (bench/notes/scale.md: 50,000 Pods peak at 437 MiB RSS, within 512Mi).
            inventory = await InPhase("Kubernetes inventory lists",
                () => new LiveInventoryCollector(_client).CollectAsync(cancellation)).ConfigureAwait(false);
        }
        catch (ClusterUnreachableException ex)
        {
            throw new SourceUnreachableException(ex.Message, ex);
        }

        var snapshot = inventory.Snapshot;
        var flows = RequestFlowMap.Build(snapshot);
        var states = new Dictionary<CheckInput, InputState>(inventory.Inputs);

        var envoyTask = InPhase("Envoy admin of every gateway",
            () => new EnvoyAdminCollector(_client, _config.Limits.MaxDumpBytes, _config.Probe.Timeout).CollectAsync(snapshot, cancellation));
        var credentials = await InPhase("probe credentials (Secrets)", () => ReadCredentialsAsync(cancellation)).ConfigureAwait(false);
        var probesTask = InPhase("probes through every gateway", () => ProbeAsync(snapshot, flows, credentials, cancellation));
        // Service DNS names resolve only inside the cluster: from a laptop, say so instead of reporting every EPP as down.
        var eppTask = _inCluster || _addresses.Mapped
            ? InPhase("Endpoint Picker conversations", () => new EndpointPickerCollector(_addresses, _config.Probe.Timeout).CollectAsync(snapshot, flows, cancellation))
            : Task.FromResult<(IReadOnlyList<Core.EndpointPicker.EndpointPickerObservation>, InputState)>(
                ([], InputState.NotCollected("Endpoint Pickers are dialled by their Service DNS names, which resolve only inside the cluster (run the agent in the cluster)")));
        var promToken = _config.Prometheus?.TokenSecret is { } ts ? await ReadSecretAsync(ts, cancellation).ConfigureAwait(false) : null;
        var grafanaToken = _config.Grafana?.Credential is { } gs ? await ReadSecretAsync(gs, cancellation).ConfigureAwait(false) : null;
        var monitoringTask = InPhase("monitoring (Prometheus, Grafana, Alertmanager)",
            () => new MonitoringCollector(DoctorSettings.Monitoring(_config, promToken, grafanaToken)).CollectAsync(snapshot, cancellation));

        var envoy = await envoyTask.ConfigureAwait(false);
        states[CheckInput.EnvoyConfig] = envoy.Config;
        states[CheckInput.EnvoyStats] = envoy.Stats;
        var probes = await probesTask.ConfigureAwait(false);
        states[CheckInput.Probes] = InputState.Available("probes through every gateway");
        var (epps, eppState) = await eppTask.ConfigureAwait(false);
        states[CheckInput.EndpointPickerConversations] = eppState;
        var monitoring = await monitoringTask.ConfigureAwait(false);
        foreach (var (input, state) in monitoring.States)
        {
            states[input] = state;
        }

        return new DoctorInputs
        {
            Cluster = snapshot,
            Envoy = _counters.Attach(envoy.Gateways),
            Probes = probes,
            EndpointPickers = epps,
            Monitoring = monitoring.Facts,
            States = states,
            Settings = new CheckSettings
            {
                SlowProbeThreshold = _config.Probe.SlowThreshold,
                GatewaysWithCredential = _config.Gateways.Overrides.Where(kv => kv.Value.Credential is not null).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal),
            },
        };
    }

    /// <summary>Runs one part of the collection as a phase, so a cycle cut at its deadline can name it (<see cref="CollectionProgress"/>).</summary>
    private static async Task<T> InPhase<T>(string what, Func<Task<T>> work)
    {
        using var phase = CollectionProgress.Enter(what);
        return await work().ConfigureAwait(false);
    }

    private async Task<ProbeResults> ProbeAsync(ClusterSnapshot snapshot, IReadOnlyList<RequestFlow> flows, IReadOnlyDictionary<string, ProbeCredential> credentials, CancellationToken cancellation)
    {
        var settings = DoctorSettings.Probes(_config, credentials, _inCluster);
        var selected = flows.Where(f => _config.Gateways.Selects(f.GatewayKey)).ToList();
        var plan = ProbePlanner.Build(selected, settings, snapshot);
        using var prober = new GatewayProber(settings);
        var results = await prober.RunAsync(plan, _history, cancellation).ConfigureAwait(false);
        _history = results.History;
        return results;
    }

    private async Task<IReadOnlyDictionary<string, ProbeCredential>> ReadCredentialsAsync(CancellationToken cancellation)
    {
        var result = new Dictionary<string, ProbeCredential>(StringComparer.Ordinal);
        foreach (var (gateway, o) in _config.Gateways.Overrides)
        {
            if (o.Credential is { } secret && await ReadSecretAsync(secret, cancellation).ConfigureAwait(false) is { Length: > 0 } token)
            {
                result[gateway] = ProbeCredential.Bearer(token);
            }
        }

        return result;
    }

    /// <summary>
    /// One key of one Secret the configuration points at; held in memory only, registered with
    /// <see cref="KnownCredentials"/> so no output carries it. A value with a line break or another control character
    /// inside is not used (it would inject a header): the peer then answers as to a missing credential.
    /// </summary>
    private async Task<string?> ReadSecretAsync(SecretKeyRef reference, CancellationToken cancellation)
    {
        try
        {
            var secret = await _client.GetAsync(KubeResource.Secrets, reference.Namespace, reference.Name, cancellation).ConfigureAwait(false);
            if (secret?["data"] is not JsonObject data || data[reference.Key] is not JsonValue v || !v.TryGetValue<string>(out var b64))
            {
                return null;
            }

            var value = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Trim();
            KnownCredentials.Register(value);
            return KnownCredentials.IsSendable(value) ? value : null;
        }
        catch (Exception ex) when (ex is KubeApiException or FormatException)
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();
}
