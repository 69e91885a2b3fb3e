using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks;

/// <summary>Everything collected for one run; the same for a live cluster, a bundle and the simulator.</summary>
public sealed class DoctorInputs
{
    private IReadOnlyList<RequestFlow>? _flows;

    public ClusterSnapshot Cluster { get; init; } = ClusterSnapshot.Empty;

    /// <summary>The request-flow map of <see cref="Cluster"/> (every Gateway × HTTPRoute rule), computed once.</summary>
    public IReadOnlyList<RequestFlow> Flows => _flows ??= RequestFlowMap.Build(Cluster);

    /// <summary>Envoy admin data per gateway pod.</summary>
    public IReadOnlyList<GatewayEnvoyData> Envoy { get; init; } = [];

    /// <summary>Probe results of this cycle (and history), per flow.</summary>
    public ProbeResults Probes { get; init; } = ProbeResults.Empty;

    /// <summary>Direct ext_proc conversations with and gRPC health of each Endpoint Picker.</summary>
    public IReadOnlyList<EndpointPickerObservation> EndpointPickers { get; init; } = [];

    public MonitoringFacts Monitoring { get; init; } = MonitoringFacts.Empty;

    /// <summary>Configuration knobs checks need (thresholds, credentials configured or not).</summary>
    public CheckSettings Settings { get; init; } = new();

    /// <summary>Parts of the source that could not be read while the rest was (a bundle file that does not parse, a symlink out of it).</summary>
    public IReadOnlyList<SourceProblem> SourceProblems { get; init; } = [];

    /// <summary>How each input fared during collection; an input not listed here was not collected.</summary>
    public IReadOnlyDictionary<CheckInput, InputState> States { get; init; } = new Dictionary<CheckInput, InputState>();

    public InputState StateOf(CheckInput input) =>
        States.TryGetValue(input, out var state) ? state : InputState.NotCollected($"{input} was not collected in this run");
}

/// <summary>Settings that change what checks conclude, never what they read.</summary>
public sealed record CheckSettings
{
    /// <summary>Probe latency above which LLMD0409 is reported.</summary>
    public TimeSpan SlowProbeThreshold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gateways (<c>ns/name</c>) for which a probe credential is configured.</summary>
    public IReadOnlySet<string> GatewaysWithCredential { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>What a check sees while it runs: the inputs and a place to report findings.</summary>
public sealed class CheckContext
{
    private readonly List<Finding> _findings = [];
    private readonly ICheck _check;

    public CheckContext(DoctorInputs inputs, ICheck check, CancellationToken cancellation)
    {
        Inputs = inputs;
        _check = check;
        Cancellation = cancellation;
    }

    public DoctorInputs Inputs { get; }
    public ClusterSnapshot Cluster => Inputs.Cluster;
    public CancellationToken Cancellation { get; }

    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>Why the check could not conclude, when it could not (reported as a skip, never as healthy).</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Says the check could not conclude for the given reason (e.g. a version it needs is unknown).</summary>
    public void Skip(string reason) => SkipReason = SkipReason is null ? reason : $"{SkipReason}; {reason}";

    /// <summary>Reports a finding. A check may only report codes it declared in <see cref="ICheck.Emits"/>.</summary>
    public void Report(Finding finding)
    {
        if (!_check.Emits.Contains(finding.Definition))
        {
            throw new InvalidOperationException($"check {_check.Name} reported {finding.Code}, which it does not declare");
        }

        _findings.Add(finding with { Check = _check.Name });
    }
}

/// <summary>One part of the source that was not read: <paramref name="Source"/> names it (a bundle-relative path), <paramref name="Reason"/> says why.</summary>
public sealed record SourceProblem(string Source, string Reason);
