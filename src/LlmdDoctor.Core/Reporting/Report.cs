using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Reporting;

/// <summary>The JSON report, <c>schemaVersion: 1</c> (design.md §4, a contract: fields are only ever added).</summary>
public sealed class Report
{
    public int SchemaVersion { get; set; } = 1;
    public string GeneratedAt { get; set; } = "";
    public ReportSource Source { get; set; } = new();
    public ReportSummary Summary { get; set; } = new();
    public List<ReportFinding> Findings { get; set; } = [];

    /// <summary>The findings as stories: one per root cause, with the findings it explains (issue 19; added to §4, older readers ignore it).</summary>
    public List<ReportIncident> Incidents { get; set; } = [];

    public List<ReportSkipped> Skipped { get; set; } = [];
    public List<ReportFlow> Flows { get; set; } = [];

    /// <summary>Recent probe results per gateway, model prefix and probe, and the last failures even when later probes passed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public List<ReportProbeSeries>? ProbeHistory { get; set; }

    /// <summary>Objects or files that could not be read; each was left out of the analysis.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public List<string>? Problems { get; set; }
}

public sealed class ReportSource
{
    /// <summary><c>cluster</c>, <c>bundle</c> or <c>simulator</c>.</summary>
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
}

public sealed class ReportSummary
{
    public int Critical { get; set; }
    public int Warning { get; set; }
    public int Info { get; set; }
    public int ChecksRun { get; set; }
    public int ChecksSkipped { get; set; }
}

public sealed class ReportFinding
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Severity { get; set; } = "";
    public ReportSubject Subject { get; set; } = new();
    public string Message { get; set; } = "";
    public SortedDictionary<string, string> Evidence { get; set; } = new(StringComparer.Ordinal);
    public string Check { get; set; } = "";
    public string Runbook { get; set; } = "";
    public string RunbookUrl { get; set; } = "";
    public string FirstSeen { get; set; } = "";
    public string LastSeen { get; set; } = "";

    /// <summary>The id of the incident the finding belongs to (<see cref="ReportIncident.Id"/>).</summary>
    public string Incident { get; set; } = "";

    /// <summary>Added after design §4: the offline fallback, <c>llmd-doctor explain CODE</c>, which prints the runbook wherever the link does not open.</summary>
    public string Explain { get; set; } = "";

    /// <summary><see cref="Explain"/>, or the plain <c>llmd-doctor explain CODE</c> for a report that predates the field.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ExplainCommand => Explain.Length > 0 ? Explain : Runbooks.RunbookLibrary.ExplainCommand(Code, null);
}

/// <summary>
/// One root cause and what it explains. <see cref="Chain"/> is the path of codes from the root to the symptom a
/// client, a dashboard or an alert shows; <see cref="Symptoms"/> lists every explained finding, repeats on one subject
/// (one per route) collapsed into one entry naming the routes.
/// </summary>
public sealed class ReportIncident
{
    /// <summary>Stable from cycle to cycle: derived from the root's code and subject.</summary>
    public string Id { get; set; } = "";
    public string Severity { get; set; } = "";
    public ReportIncidentFinding Root { get; set; } = new();
    public List<string> Chain { get; set; } = [];
    public List<ReportIncidentFinding> Symptoms { get; set; } = [];
    public List<string> Gateways { get; set; } = [];
    public List<string> Models { get; set; } = [];

    /// <summary>The root cause's runbook: the one to follow.</summary>
    public string Runbook { get; set; } = "";
    public string RunbookUrl { get; set; } = "";

    /// <summary>How many findings of the report belong to it.</summary>
    public int Findings { get; set; }
}

/// <summary>A code on a subject within an incident.</summary>
public sealed class ReportIncidentFinding
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Severity { get; set; } = "";
    public ReportSubject Subject { get; set; } = new();

    /// <summary>The code that explains this one; omitted for the root.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CausedBy { get; set; }

    /// <summary>Envoy routes of the collapsed repeats; omitted when the findings name none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Routes { get; set; }

    /// <summary>How many findings this entry stands for.</summary>
    public int Count { get; set; }
}

public sealed class ReportSubject
{
    public string Group { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
}

public sealed class ReportSkipped
{
    public string Check { get; set; } = "";
    public string Reason { get; set; } = "";
}

public sealed class ReportFlow
{
    public string Gateway { get; set; } = "";
    public string Route { get; set; } = "";
    public string? Model { get; set; }
    public string Path { get; set; } = "";
    public string Backend { get; set; } = "";
    public string? Epp { get; set; }
    public string? EffectiveBodyMode { get; set; }
    public List<ReportFlowProbe> Probes { get; set; } = [];

    // Added after the fields of design.md §4 (additive: older readers ignore them).

    /// <summary><c>PathPrefix</c>, <c>Exact</c> or <c>RegularExpression</c>.</summary>
    public string PathType { get; set; } = "";

    /// <summary>Header conditions of the match as <c>name=value</c> (<c>name~regex</c>); omitted when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Headers { get; set; }

    /// <summary>Query-parameter conditions, as <see cref="Headers"/>; omitted when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? QueryParams { get; set; }

    /// <summary>The method the match requires; omitted when any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Method { get; set; }

    /// <summary>Index of the HTTPRoute rule and of the match within it.</summary>
    public int Rule { get; set; }
    public int Match { get; set; }

    /// <summary>The Envoy route name Istio gives the rule.</summary>
    public string EnvoyRoute { get; set; } = "";

    /// <summary>
    /// The pods the backend selects (pool or Service selector), with readiness, the first <see cref="MaxPods"/> by name;
    /// omitted when not known.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ReportFlowPod>? Pods { get; set; }

    /// <summary>Pods the selector matches beyond <see cref="Pods"/> (a report stays small on a cluster of thousands).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int PodsOmitted { get; set; }

    public const int MaxPods = 32;
}

public sealed class ReportFlowPod
{
    public string Name { get; set; } = "";
    public bool Ready { get; set; }
}

public sealed class ReportProbeSeries
{
    public string Gateway { get; set; } = "";
    public string ApiPrefix { get; set; } = "";
    public string Probe { get; set; } = "";
    public List<ReportProbeResult> Recent { get; set; } = [];
    public List<ReportProbeResult> LastFailures { get; set; } = [];
}

public sealed class ReportProbeResult
{
    public string At { get; set; } = "";
    public int Status { get; set; }
    public long Ms { get; set; }
    public string Reason { get; set; } = "";
    public string Detail { get; set; } = "";
    public string TraceId { get; set; } = "";
}

public sealed class ReportFlowProbe
{
    public string Probe { get; set; } = "";
    public int Status { get; set; }
    public long Ms { get; set; }

    /// <summary>Failure reason when the probe got no HTTP answer (refused, timeout, tls …).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; set; }
}

/// <summary>Writes the report as JSON: indented, UTF-8 text left readable (no \u0027 for quotes).</summary>
public static class ReportJson
{
    private static readonly ReportJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(ReportJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The report as JSON, with every known credential scrubbed (whatever spelling a peer echoed it in).</summary>
    public static string Serialize(Report report) => Security.KnownCredentials.Scrub(System.Text.Json.JsonSerializer.Serialize(report, Context.Report));

    public static Report? Deserialize(string json) => System.Text.Json.JsonSerializer.Deserialize(json, Context.Report);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Report))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
