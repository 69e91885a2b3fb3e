using System.Diagnostics;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using LlmdDoctor.Core.Telemetry;

namespace LlmdDoctor.Agent;

/// <summary>Where a cycle's inputs come from: a live cluster, a bundle, or the simulator.</summary>
public interface IInputSource
{
    /// <summary><c>cluster</c>, <c>bundle</c> or <c>simulator</c> (the report's <c>source.kind</c>).</summary>
    string Kind { get; }

    string Name { get; }

    /// <summary>Collects everything the checks read. Throws <see cref="SourceUnreachableException"/> when nothing can be read.</summary>
    Task<DoctorInputs> CollectAsync(CancellationToken cancellation);
}

/// <summary>The source as a whole could not be read (cluster unreachable, bundle unreadable): the CLI exits 3.</summary>
public sealed class SourceUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The outcome of one cycle: what was collected, what the checks found, the report.</summary>
/// <param name="NothingRead">
/// Set when no inventory input could be read (every list forbidden or unavailable): why, one reason per input. Such a
/// run is never healthy: the CLI exits 3 and the agent is not ready, whatever the findings say.
/// </param>
/// <summary>A cycle cut at its deadline: when, the deadline, and the innermost phases it was still waiting on.</summary>
/// <param name="WaitingCount">How many phases were running; <paramref name="Waiting"/> names at most <see cref="CollectionProgress.MaxNamed"/>.</param>
public sealed record CycleCut(DateTimeOffset At, TimeSpan Deadline, IReadOnlyList<StalledPhase> Waiting, int WaitingCount);

public sealed record CycleResult(DoctorInputs Inputs, CheckRun Run, Report Report, TimeSpan Duration, DateTimeOffset FinishedAt, string? NothingRead = null);

/// <summary>One pass: collect → run every check → apply the policy → build the report.</summary>
public sealed class DoctorCycle(DoctorConfig config, ReportPolicy policy, TimeProvider time, FindingTracker? tracker = null)
{
    /// <param name="previousCut">The previous cycle, when its deadline cut it: what it waited on is reported as LLMD0003.</param>
    public async Task<CycleResult> RunAsync(IInputSource source, IReadOnlyList<ICheck> checks, CancellationToken cancellation, CycleCut? previousCut = null)
    {
        using var activity = Core.Telemetry.DoctorActivity.Source.StartActivity("cycle");
        activity?.SetTag("llmd.source", $"{source.Kind} {source.Name}");
        var started = Stopwatch.GetTimestamp();
        DoctorInputs inputs;
        using (CollectionProgress.Enter($"collecting from {source.Kind} {source.Name}"))
        {
            inputs = await source.CollectAsync(cancellation).ConfigureAwait(false);
        }

        CheckRun run;
        using (CollectionProgress.Enter("running the checks"))
        {
            run = await new CheckRunner(config.Limits.CheckTimeout).RunAsync(checks, inputs, cancellation).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        if (previousCut is not null)
        {
            run = run with { Findings = [.. run.Findings, .. Stalled(previousCut, source)] };
        }

        if (tracker is not null)
        {
            run = run with { Findings = tracker.Track(run.Findings, now) };
        }

        var report = new ReportBuilder
        {
            Source = new ReportSource { Kind = source.Kind, Name = source.Name },
            GeneratedAt = now,
            Policy = policy,
            RunbookBaseUrl = config.RunbookBaseUrl ?? ReportBuilder.DefaultRunbookBaseUrl,
            Annotations = FlowAnnotations.For(inputs),
            ProbeHistory = inputs.Probes.History,
        }.Build(run, inputs.Flows, inputs.Cluster.Problems);
        activity?.SetTag("llmd.findings.critical", report.Summary.Critical);
        activity?.SetTag("llmd.findings.warning", report.Summary.Warning);
        return new CycleResult(inputs, run, report, Stopwatch.GetElapsedTime(started), now, NothingRead(inputs.States));
    }

    /// <summary>
    /// LLMD0003 for each phase a cut cycle was still waiting on (a Kubernetes list, an Envoy dump, a probe, a
    /// Prometheus query), or for the whole source when it named no phase.
    /// </summary>
    public static IReadOnlyList<Finding> Stalled(CycleCut cut, IInputSource source)
    {
        var waiting = cut.Waiting.Count > 0 ? cut.Waiting : [new StalledPhase($"{source.Kind} {source.Name}", cut.Deadline)];
        var more = cut.WaitingCount > cut.Waiting.Count ? $"; {cut.WaitingCount - cut.Waiting.Count} more phases were still running" : "";
        return [.. waiting.Select(w =>
        {
            var what = KnownCredentials.Scrub(w.What);
            return FindingCatalog.SourceUnavailable.At(Subject.Source(what),
                ("source", what),
                ("reason", $"no answer after {w.Waited.TotalSeconds:0.#} s, when the agent cycle of {cut.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z was cut at its {cut.Deadline.TotalSeconds:0.#} s deadline (limits.cycleDeadline){more}"),
                ("checks", "every check of that cycle; this report is the next cycle's")) with { Check = "agent" };
        })];
    }

    /// <summary>The inputs read from the Kubernetes API (the inventory the snapshot is built from).</summary>
    private static readonly CheckInput[] Inventory =
    [
        CheckInput.Namespaces, CheckInput.Gateways, CheckInput.HttpRoutes, CheckInput.InferencePools, CheckInput.Services,
        CheckInput.Pods, CheckInput.Deployments, CheckInput.ConfigMaps, CheckInput.LlmInferenceServices, CheckInput.IstioVersion,
        CheckInput.EnvoyFilters, CheckInput.Monitors, CheckInput.PrometheusRules, CheckInput.GrafanaObjects,
    ];

    /// <summary>
    /// Why nothing of the inventory was read, or null when at least one inventory input is available. Absent inputs
    /// (CRD not installed) neither count as read nor as failed; a run with only absent inputs has nothing to fail on.
    /// </summary>
    public static string? NothingRead(IReadOnlyDictionary<CheckInput, InputState> states)
    {
        var inventory = Inventory.Where(states.ContainsKey).Select(i => (Input: i, State: states[i])).ToList();
        if (inventory.Any(i => i.State.Status == InputStatus.Available))
        {
            return null;
        }

        var failed = inventory.Where(i => i.State.Status is InputStatus.Denied or InputStatus.Unavailable).ToList();
        return failed.Count == 0 ? null
            : "no inventory could be read: " + string.Join("; ", failed.Select(i => $"{i.Input} {i.State.Status.ToString().ToLowerInvariant()} ({i.State.Source})"));
    }
}
