using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Reporting;

/// <summary>The JSON report, <c>schemaVersion: 1</c> (design.md §4, a contract: fields are only ever added).</summary>
public sealed class Report
{
    public int SchemaVersion { get; init; } = 1;
    public string GeneratedAt { get; init; } = "";
    public ReportSource Source { get; init; } = new();
    public ReportSummary Summary { get; init; } = new();
    public List<ReportFinding> Findings { get; init; } = [];
    public List<ReportSkipped> Skipped { get; init; } = [];
    public List<ReportFlow> Flows { get; init; } = [];

    /// <summary>Objects or files that could not be read; each was left out of the analysis.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public List<string>? Problems { get; init; }
}

public sealed class ReportSource
{
    /// <summary><c>cluster</c>, <c>bundle</c> or <c>simulator</c>.</summary>
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
}

public sealed class ReportSummary
{
    public int Critical { get; init; }
    public int Warning { get; init; }
    public int Info { get; init; }
    public int ChecksRun { get; init; }
    public int ChecksSkipped { get; init; }
}

public sealed class ReportFinding
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string Severity { get; init; } = "";
    public ReportSubject Subject { get; init; } = new();
    public string Message { get; init; } = "";
    public SortedDictionary<string, string> Evidence { get; init; } = new(StringComparer.Ordinal);
    public string Check { get; init; } = "";
    public string Runbook { get; init; } = "";
    public string RunbookUrl { get; init; } = "";
    public string FirstSeen { get; init; } = "";
    public string LastSeen { get; init; } = "";
}

public sealed class ReportSubject
{
    public string Group { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
}

public sealed class ReportSkipped
{
    public string Check { get; init; } = "";
    public string Reason { get; init; } = "";
}

public sealed class ReportFlow
{
    public string Gateway { get; init; } = "";
    public string Route { get; init; } = "";
    public string? Model { get; init; }
    public string Path { get; init; } = "";
    public string Backend { get; init; } = "";
    public string? Epp { get; init; }
    public string? EffectiveBodyMode { get; init; }
    public List<ReportFlowProbe> Probes { get; init; } = [];
}

public sealed class ReportFlowProbe
{
    public string Probe { get; init; } = "";
    public int Status { get; init; }
    public long Ms { get; init; }

    /// <summary>Failure reason when the probe got no HTTP answer (refused, timeout, tls …).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary>Writes the report as JSON: indented, UTF-8 text left readable (no \u0027 for quotes).</summary>
public static class ReportJson
{
    private static readonly ReportJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(ReportJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(Report report) => System.Text.Json.JsonSerializer.Serialize(report, Context.Report);

    public static Report? Deserialize(string json) => System.Text.Json.JsonSerializer.Deserialize(json, Context.Report);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Report))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
