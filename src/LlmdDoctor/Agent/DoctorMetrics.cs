using System.Globalization;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Monitoring.Exposition;

namespace LlmdDoctor.Agent;

/// <summary>
/// The agent's <c>/metrics</c> (design.md §6, a contract). Labels never carry error strings or unbounded values:
/// findings are labelled by code and subject, probes by flow, never by message.
/// </summary>
public static class DoctorMetrics
{
    public static string Render(CycleResult? last, AgentCounters counters, string version, string revision)
    {
        var page = new MetricsPage();
        var active = page.Gauge("llmd_doctor_finding_active", "1 for each active finding, labelled by code and subject; runbook_url links the fix.",
            "code", "name", "severity", "namespace", "kind", "resource", "runbook_url");
        var bySeverity = page.Gauge("llmd_doctor_findings", "Active findings by severity.", "severity");
        var duration = page.Gauge("llmd_doctor_check_duration_seconds", "Duration of each check in the last cycle.", "check");
        var errors = page.Counter("llmd_doctor_check_errors_total", "Times a check failed (threw or timed out), since start.", "check");
        var skipped = page.Gauge("llmd_doctor_check_skipped", "1 when a check was skipped in the last cycle (missing input), else 0.", "check");
        if (last is not null)
        {
            // One series per code and subject: several findings of a code on one object (one per route) are one alert.
            foreach (var f in last.Report.Findings.DistinctBy(f => (f.Code, f.Subject.Namespace, f.Subject.Kind, f.Subject.Name)))
            {
                active.Add(1, f.Code, f.Name, f.Severity, f.Subject.Namespace, f.Subject.Kind, f.Subject.Name, f.RunbookUrl);
            }

            foreach (var severity in new[] { "critical", "warning", "info" })
            {
                bySeverity.Add(last.Report.Findings.Count(f => f.Severity == severity), severity);
            }

            foreach (var o in last.Run.Outcomes.OrderBy(o => o.Check, StringComparer.Ordinal))
            {
                duration.Add(o.Duration.TotalSeconds, o.Check);
                skipped.Add(o.Skipped ? 1 : 0, o.Check);
            }
        }

        foreach (var (check, count) in counters.CheckErrors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.Add(count, check);
        }

        string[] probeLabels = ["gateway_namespace", "gateway", "namespace", "route", "model", "probe"];
        var success = page.Gauge("llmd_doctor_probe_success", "1 when the probe got the answer it expected, else 0.", probeLabels);
        var phases = page.Gauge("llmd_doctor_probe_duration_seconds", "Probe duration by phase (resolve, connect, tls, processing, transfer, total).", [.. probeLabels, "phase"]);
        var status = page.Gauge("llmd_doctor_probe_http_status_code", "HTTP status of the probe's answer (0 when none).", probeLabels);
        var bodyMode = page.Gauge("llmd_doctor_ext_proc_body_mode", "1 for the effective ext_proc request body mode of each InferencePool route.", "gateway_namespace", "gateway", "route", "mode");
        if (last is not null)
        {
            foreach (var sample in last.Inputs.Probes.MetricSamples().DistinctBy(s => (s.GatewayNamespace, s.Gateway, s.Namespace, s.Route, s.Model, s.Probe)))
            {
                string[] labels = [sample.GatewayNamespace, sample.Gateway, sample.Namespace, sample.Route, sample.Model, sample.Probe];
                success.Add(sample.Success, labels);
                status.Add(sample.HttpStatusCode, labels);
                foreach (var (phase, seconds) in sample.DurationSeconds)
                {
                    phases.Add(seconds, [.. labels, phase]);
                }
            }

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
