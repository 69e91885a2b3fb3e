using System.Globalization;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Reporting;

/// <summary>What other areas add to a flow of the report: its effective body mode and its probes.</summary>
public interface IFlowAnnotations
{
    string? EffectiveBodyMode(RequestFlow flow);

    IReadOnlyList<ReportFlowProbe> Probes(RequestFlow flow);

    /// <summary>The pods behind the flow's backend (the pool's or the Service's selector), or null when not known.</summary>
    IReadOnlyList<ReportFlowPod>? Pods(RequestFlow flow) => null;
}

/// <summary>Builds the <see cref="Report"/> from a check run, after the user's policy was applied.</summary>
public sealed class ReportBuilder
{
    public const string DefaultRunbookBaseUrl = "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks";

    public required ReportSource Source { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public ReportPolicy Policy { get; init; } = ReportPolicy.None;
    public string RunbookBaseUrl { get; init; } = DefaultRunbookBaseUrl;
    public IFlowAnnotations? Annotations { get; init; }

    /// <summary>Probe history to include (live runs only).</summary>
    public Probes.ProbeHistory? ProbeHistory { get; init; }

    public Report Build(CheckRun run, IReadOnlyList<RequestFlow> flows, IReadOnlyList<string>? problems = null)
    {
        var findings = Policy.Apply(run.Findings)
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Code, StringComparer.Ordinal)
            .ThenBy(f => f.Subject.Key, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal)
            .ToList();
        var at = Timestamp(GeneratedAt);
        return new Report
        {
            GeneratedAt = at,
            Source = Source,
            Summary = new ReportSummary
            {
                Critical = findings.Count(f => f.Severity == Severity.Critical),
                Warning = findings.Count(f => f.Severity == Severity.Warning),
                Info = findings.Count(f => f.Severity == Severity.Info),
                ChecksRun = run.ChecksRun,
                ChecksSkipped = run.ChecksSkipped,
            },
            Findings = [.. findings.Select(f => ToReport(f, at))],
            Skipped = [.. run.Skipped.OrderBy(s => s.Check, StringComparer.Ordinal).Select(s => new ReportSkipped { Check = s.Check, Reason = s.Reason })],
            Flows = [.. flows.Select(ToReport)],
            Problems = problems is { Count: > 0 } ? [.. problems] : null,
            ProbeHistory = ProbeHistory is { } h && h.Keys.Any() ? [.. h.Keys.Select(k => History(h, k))] : null,
        };
    }

    private static ReportProbeSeries History(Probes.ProbeHistory history, Probes.ProbeSeriesKey key) => new()
    {
        Gateway = key.Gateway,
        ApiPrefix = key.ApiPrefix,
        Probe = key.Kind.ToLabel(),
        Recent = [.. history.Recent(key).Select(Result)],
        LastFailures = [.. history.Failures(key).Select(Result)],
    };

    private static ReportProbeResult Result(Probes.ProbeResult r) => new()
    {
        At = Timestamp(r.StartedAt),
        Status = r.Status,
        Ms = (long)r.Timings.Total.TotalMilliseconds,
        Reason = r.Reason.ToString(),
        Detail = r.Detail,
        TraceId = r.TraceId,
    };

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private ReportFinding ToReport(Finding f, string at) => new()
    {
        Code = f.Code,
        Name = f.Definition.Name,
        Severity = f.Severity.ToName(),
        Subject = new ReportSubject { Group = f.Subject.Group, Kind = f.Subject.Kind, Namespace = f.Subject.Namespace ?? "", Name = f.Subject.Name },
        Message = f.Message,
        Evidence = new SortedDictionary<string, string>(f.Evidence.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
        Check = f.Check,
        Runbook = f.Code,
        RunbookUrl = $"{RunbookBaseUrl.TrimEnd('/')}/{f.Code}",
        FirstSeen = f.FirstSeen == default ? at : Timestamp(f.FirstSeen),
        LastSeen = f.LastSeen == default ? at : Timestamp(f.LastSeen),
    };

    private ReportFlow ToReport(RequestFlow flow)
    {
        var pods = Annotations?.Pods(flow);
        return new()
        {
            Gateway = flow.GatewayKey,
            Route = flow.RouteKey,
            Model = flow.Model,
            Path = flow.Match.PathValue,
            PathType = flow.Match.PathKind switch { PathMatchKind.Exact => "Exact", PathMatchKind.RegularExpression => "RegularExpression", _ => "PathPrefix" },
            Headers = flow.Match.Headers.Count == 0 ? null : [.. flow.Match.Headers.Select(h => h.Describe())],
            QueryParams = flow.Match.QueryParams.Count == 0 ? null : [.. flow.Match.QueryParams.Select(q => q.Describe())],
            Method = flow.Match.Method,
            Rule = flow.RuleIndex,
            Match = flow.MatchIndex,
            EnvoyRoute = flow.EnvoyRouteName,
            Backend = flow.PrimaryBackend?.Describe() ?? "(none)",
            Epp = flow.EndpointPicker,
            EffectiveBodyMode = Annotations?.EffectiveBodyMode(flow),
            Probes = Annotations is null ? [] : [.. Annotations.Probes(flow)],
            Pods = pods is null ? null : [.. pods.Take(ReportFlow.MaxPods)],
            PodsOmitted = Math.Max(0, (pods?.Count ?? 0) - ReportFlow.MaxPods),
        };
    }
}
