using System.Buffers;
using System.Globalization;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Monitoring.Exposition;

namespace LlmdDoctor.Agent;

/// <summary>
/// The agent's <c>/metrics</c> (design.md §6, a contract). Labels never carry error strings or unbounded values:
/// findings are labelled by code and subject, probes by flow, never by message.
/// </summary>
public static class DoctorMetrics
{
    private static readonly string[] ProbeLabels = ["gateway_namespace", "gateway", "namespace", "route", "model", "probe"];
    private static readonly string[] PhaseLabel = ["phase"];

    /// <summary>Each probe phase with its <c>phase</c> label, escaped once for every page.</summary>
    private static readonly (ProbePhase Phase, LabelSet Label)[] PhaseLabels =
        [.. ProbeMetricSample.Phases.Select(p => (p.Phase, new LabelSet(PhaseLabel, p.Label)))];

    /// <summary>
    /// The page in the text exposition format 0.0.4, as the UTF-8 bytes <c>/metrics</c> serves. Families are written in
    /// the order they appear, each filled before the next is started.
    /// </summary>
    public static ReadOnlySequence<byte> Render(CycleResult? last, AgentCounters counters, string version, string revision)
    {
        var page = new MetricsPage();
        var active = page.Gauge("llmd_doctor_finding_active", "1 for each active finding, labelled by code and subject; runbook_url links the fix.",
            "code", "name", "severity", "namespace", "kind", "resource", "runbook_url");
        if (last is not null)
        {
            // One series per code and subject: several findings of a code on one object (one per route) are one alert.
            foreach (var f in last.Report.Findings.DistinctBy(f => (f.Code, f.Subject.Namespace, f.Subject.Kind, f.Subject.Name)))
            {
                active.Add(1, f.Code, f.Name, f.Severity, f.Subject.Namespace, f.Subject.Kind, f.Subject.Name, f.RunbookUrl);
            }
        }

        var bySeverity = page.Gauge("llmd_doctor_findings", "Active findings by severity.", "severity");
        if (last is not null)
        {
            foreach (var severity in new[] { "critical", "warning", "info" })
            {
                bySeverity.Add(last.Report.Findings.Count(f => f.Severity == severity), severity);
            }
        }

        // Issue 19: one series per incident, so the alerts page once per root cause. Every label is bounded: the id and
        // subject are the root finding's (one per finding at most), codes are catalog codes (the root's and its symptoms').
        var incidents = page.Gauge("llmd_doctor_incident",
            "1 for each incident: a root-cause finding and the findings it explains (codes); the alerts fire once per incident.",
            "id", "root_code", "root_name", "severity", "namespace", "kind", "resource", "codes", "runbook_url");
        if (last is not null)
        {
            foreach (var i in last.Report.Incidents)
            {
                var codes = string.Join(",", i.Symptoms.Select(s => s.Code).Append(i.Root.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                incidents.Add(1, i.Id, i.Root.Code, i.Root.Name, i.Severity, i.Root.Subject.Namespace, i.Root.Subject.Kind, i.Root.Subject.Name, codes, i.RunbookUrl);
            }
        }

        var outcomes = last?.Run.Outcomes.OrderBy(o => o.Check, StringComparer.Ordinal).ToList() ?? [];
        var duration = page.Gauge("llmd_doctor_check_duration_seconds", "Duration of each check in the last cycle.", "check");
        foreach (var o in outcomes)
        {
            duration.Add(o.Duration.TotalSeconds, o.Check);
        }

        var errors = page.Counter("llmd_doctor_check_errors_total", "Times a check failed (threw or timed out), since start.", "check");
        foreach (var (check, count) in counters.CheckErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.Add(count, check);
        }

        var skipped = page.Gauge("llmd_doctor_check_skipped", "1 when a check was skipped in the last cycle (missing input), else 0.", "check");
        foreach (var o in outcomes)
        {
            skipped.Add(o.Skipped ? 1 : 0, o.Check);
        }

        WriteProbes(page, last?.Inputs.Probes.MetricSamples() ?? []);
        var bodyMode = page.Gauge("llmd_doctor_ext_proc_body_mode", "1 for the effective ext_proc request body mode of each InferencePool route.", "gateway_namespace", "gateway", "route", "mode");
        if (last is not null)
        {
            var annotations = FlowAnnotations.For(last.Inputs);
            foreach (var flow in last.Inputs.Flows.Where(f => f.IsPoolRoute).DistinctBy(f => (f.GatewayKey, f.EnvoyRouteName)))
            {
                if (annotations.EffectiveBodyMode(flow) is { } mode)
                {
                    bodyMode.Add(1, flow.Gateway.Metadata.Ns, flow.Gateway.Metadata.Name, flow.EnvoyRouteName, mode);
                }
            }
        }

        page.Gauge("llmd_doctor_cycle_duration_seconds", "Duration of the last complete cycle.").Add(last?.Duration.TotalSeconds ?? 0);
        page.Gauge("llmd_doctor_last_cycle_timestamp_seconds", "Unix time the last complete cycle finished.")
            .Add(last is null ? 0 : last.FinishedAt.ToUnixTimeMilliseconds() / 1000.0);
        page.Counter("llmd_doctor_cycles_total", "Complete cycles since start.").Add(counters.Cycles);
        page.Gauge("llmd_doctor_build_info", "Build of the running doctor.", "version", "revision").Add(1, version, revision);
        return page.Render();
    }

    /// <summary>Success, phase durations and HTTP status of each probe: one label set per probe, escaped once for all of them.</summary>
    private static void WriteProbes(MetricsPage page, IReadOnlyList<ProbeMetricSample> samples)
    {
        // One series per label set, the first sample's: a repeated set would be a duplicate series.
        var seen = new HashSet<ProbeMetricSample>(samples.Count, SameProbeLabels.Instance);
        var probes = new List<(ProbeMetricSample Sample, LabelSet Labels)>(samples.Count);
        foreach (var sample in samples)
        {
            if (seen.Add(sample))
            {
                probes.Add((sample, new LabelSet(ProbeLabels, sample.GatewayNamespace, sample.Gateway, sample.Namespace, sample.Route, sample.Model, sample.Probe)));
            }
        }

        var success = page.Gauge("llmd_doctor_probe_success", "1 when the probe got the answer it expected, else 0.", ProbeLabels);
        foreach (var (sample, labels) in probes)
        {
            success.Add(sample.Success, labels);
        }

        var phases = page.Gauge("llmd_doctor_probe_duration_seconds", "Probe duration by phase (resolve, connect, tls, processing, transfer, total).", [.. ProbeLabels, "phase"]);
        foreach (var (sample, labels) in probes)
        {
            foreach (var (phase, label) in PhaseLabels)
            {
                phases.Add(sample.Timings.Of(phase).TotalSeconds, labels, label);
            }
        }

        var status = page.Gauge("llmd_doctor_probe_http_status_code", "HTTP status of the probe's answer (0 when none).", ProbeLabels);
        foreach (var (sample, labels) in probes)
        {
            status.Add(sample.HttpStatusCode, labels);
        }
    }

    /// <summary>Probe samples with the same six label values (they would be the same series).</summary>
    private sealed class SameProbeLabels : IEqualityComparer<ProbeMetricSample>
    {
        public static SameProbeLabels Instance { get; } = new();

        public bool Equals(ProbeMetricSample? x, ProbeMetricSample? y) =>
            ReferenceEquals(x, y) || x is not null && y is not null
            && x.GatewayNamespace == y.GatewayNamespace && x.Gateway == y.Gateway && x.Namespace == y.Namespace
            && x.Route == y.Route && x.Model == y.Model && x.Probe == y.Probe;

        // Namespace, route and probe nearly always tell samples apart: hashing three strings, not six, is enough.
        public int GetHashCode(ProbeMetricSample s) => HashCode.Combine(s.Namespace, s.Route, s.Probe);
    }
}

/// <summary>Counters kept across cycles.</summary>
public sealed class AgentCounters
{
    private readonly Dictionary<string, long> _checkErrors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public long Cycles { get; private set; }

    public IReadOnlyDictionary<string, long> CheckErrors
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_checkErrors, StringComparer.Ordinal);
            }
        }
    }

    public void Record(CheckRun run)
    {
        lock (_gate)
        {
            Cycles++;
            foreach (var o in run.Outcomes)
            {
                _checkErrors[o.Check] = _checkErrors.GetValueOrDefault(o.Check) + (o.Failed ? 1 : 0);
            }
        }
    }

    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
