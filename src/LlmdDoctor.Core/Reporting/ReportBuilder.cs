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
    /// <summary>The agent's own <c>/runbooks</c>: the default of <c>serve</c>, whose reports are read in the cluster.</summary>
    public const string DefaultRunbookBaseUrl = "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks";

    /// <summary>
    /// The default of <c>check</c>, <c>analyze</c> and <c>fix</c>: the runbooks as they ship in the project's source tree
    /// (<c>runbooks/LLMDnnnn.md</c>), relative, because a report read outside the cluster cannot reach the agent and the
    /// doctor knows no public address it could vouch for. <c>llmd-doctor explain CODE</c> prints the same text offline.
    /// </summary>
    public const string OfflineRunbookBase = "runbooks";

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
        var incidents = IncidentBuilder.Build(findings, flows);
        var incidentOf = new Dictionary<Finding, string>(ReferenceEqualityComparer.Instance);
        foreach (var incident in incidents)
        {
            foreach (var member in incident.Members)
            {
                incidentOf[member.Finding] = incident.Id;
            }
        }

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
            Findings = [.. findings.Select(f => ToReport(f, at, incidentOf[f]))],
            Incidents = [.. incidents.Select(ToReport)],
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

    private ReportIncident ToReport(Incident incident) => new()
    {
        Id = incident.Id,
        Severity = incident.Severity.ToName(),
        Root = Entry(incident.Members.Where(m => m.Cause is null && SameEntry(m.Finding, incident.Root)).ToList(), null),
        Chain = [.. incident.Chain],
        Symptoms =
        [
            .. incident.Members.Where(m => m.Cause is not null)
                .GroupBy(m => (m.Finding.Code, m.Finding.Subject, Cause: m.Cause!.Code))
                .OrderBy(g => g.Min(m => m.Depth)).ThenBy(g => g.Key.Code, StringComparer.Ordinal).ThenBy(g => g.Key.Subject.Key, StringComparer.Ordinal)
                .Select(g => Entry(g.ToList(), g.Key.Cause)),
        ],
        Gateways = [.. incident.Gateways],
        Models = [.. incident.Models],
        Runbook = incident.Root.Code,
        RunbookUrl = RunbookLink(RunbookBaseUrl, incident.Root.Code),
        Findings = incident.Members.Count,
    };

    private static bool SameEntry(Finding a, Finding b) => a.Code == b.Code && a.Subject == b.Subject;

    private static ReportIncidentFinding Entry(List<IncidentMember> repeats, string? causedBy)
    {
        var f = repeats[0].Finding;
        // Envoy route names only (an HTTPRoute check's "route" is the subject itself); a finding on several routes lists them.
        var routes = repeats.SelectMany(m => (m.Finding.Evidence.GetValueOrDefault("route") ?? "").Split(", ", StringSplitOptions.RemoveEmptyEntries))
            .Where(r => !r.Contains('/', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new ReportIncidentFinding
        {
            Code = f.Code,
            Name = f.Definition.Name,
            Severity = repeats.Max(m => m.Finding.Severity).ToName(),
            Subject = SubjectOf(f.Subject),
            CausedBy = causedBy,
            Routes = routes.Count > 0 ? routes : null,
            Count = repeats.Count,
        };
    }

    /// <summary>The namespace a runbook's <c>&lt;namespace&gt;</c> stands for: the subject's, or the subject itself when it is a Namespace.</summary>
    private static string? NamespaceOf(Subject s) => s is { Group: "", Kind: "Namespace" } ? s.Name : s.Namespace;

    private static ReportSubject SubjectOf(Subject s) => new() { Group = s.Group, Kind = s.Kind, Namespace = s.Namespace ?? "", Name = s.Name };

    private ReportFinding ToReport(Finding f, string at, string incident) => new()
    {
        Code = f.Code,
        Name = f.Definition.Name,
        Severity = f.Severity.ToName(),
        Subject = SubjectOf(f.Subject),
        Message = f.Message,
        Evidence = new SortedDictionary<string, string>(f.Evidence.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
        Check = f.Check,
        Runbook = f.Code,
        RunbookUrl = RunbookLink(RunbookBaseUrl, f.Code),
        Explain = Runbooks.RunbookLibrary.ExplainCommand(f.Code, NamespaceOf(f.Subject)),
        FirstSeen = f.FirstSeen == default ? at : Timestamp(f.FirstSeen),
        LastSeen = f.LastSeen == default ? at : Timestamp(f.LastSeen),
        Incident = incident,
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

    /// <summary>
    /// The runbook link of <paramref name="code"/> under <paramref name="runbookBase"/>: <c>{code}</c> in the base is
    /// replaced; otherwise an http(s) base is the agent's route (<c>base/LLMDnnnn</c>) and any other base is a folder of
    /// the Markdown files (<c>base/LLMDnnnn.md</c>).
    /// </summary>
    public static string RunbookLink(string runbookBase, string code) =>
        runbookBase.Contains("{code}", StringComparison.Ordinal) ? runbookBase.Replace("{code}", code, StringComparison.Ordinal)
        : runbookBase.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || runbookBase.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? $"{runbookBase.TrimEnd('/')}/{code}"
            : $"{runbookBase.TrimEnd('/')}/{code}.md";
}
