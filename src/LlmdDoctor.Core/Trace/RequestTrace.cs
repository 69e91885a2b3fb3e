using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Trace;

/// <summary>How one hop of a traced request fared.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HopVerdict>))]
public enum HopVerdict
{
    /// <summary>The hop did what it should for this request.</summary>
    Ok,

    /// <summary>It passed the request on, but in a way that hides a fault (bypassed EPP, a body-loss risk).</summary>
    Warn,

    /// <summary>The request broke here.</summary>
    Broken,

    /// <summary>Not reached, not involved on this route, or not observable from where the doctor runs (the reason says which).</summary>
    Skipped,
}

/// <summary>One hop of the request path, explained with evidence.</summary>
public sealed record TraceHop
{
    /// <summary>Stable id: <c>listener</c>, <c>route</c>, <c>ext_proc</c>, <c>gateway-epp</c>, <c>epp</c>, <c>pod</c>, <c>model</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the hop is, e.g. <c>Gateway → Endpoint Picker (TLS)</c>.</summary>
    public required string Title { get; init; }

    public required HopVerdict Verdict { get; init; }

    /// <summary>One line: what happened to this request here.</summary>
    public required string Summary { get; init; }

    /// <summary>The facts the verdict rests on (config dump, counters, the EPP's answer …), bounded.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>The finding code that names this hop's fault, when there is one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    /// <summary>The runbook of <see cref="Code"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RunbookUrl { get; init; }
}

/// <summary>How long one phase of the trace took (the doctor's reads, the EPP conversation, each phase of the request).</summary>
public sealed record TracePhase(string Name, double Milliseconds);

/// <summary>The request that was traced; header values the doctor treats as credentials are never kept.</summary>
public sealed record TracedRequest
{
    public required string Gateway { get; init; }
    public required string Method { get; init; }
    public required string Url { get; init; }
    public required string Path { get; init; }

    /// <summary>The Host header sent (the route's hostname, the user's <c>--header Host:</c>, or the address).</summary>
    public required string Host { get; init; }

    /// <summary>Header names sent besides the doctor's own (values left out: they may be credentials).</summary>
    public IReadOnlyList<string> HeaderNames { get; init; } = [];

    public long BodyBytes { get; init; }

    /// <summary>The model id the body asks for, when it names one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }
}

/// <summary>One request through one gateway, every hop explained (design.md §3 <c>trace</c>).</summary>
public sealed record RequestTrace
{
    public int SchemaVersion { get; init; } = 1;
    public required TracedRequest Request { get; init; }
    public required IReadOnlyList<TraceHop> Hops { get; init; }
    public IReadOnlyList<TracePhase> Phases { get; init; } = [];

    /// <summary>The W3C trace id the request carried, to find it in the gateway's and the EPP's logs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceId { get; init; }

    /// <summary>The first hop whose verdict is <see cref="HopVerdict.Broken"/>; null when none broke.</summary>
    public TraceHop? FirstBroken => Hops.FirstOrDefault(h => h.Verdict == HopVerdict.Broken);
}

/// <summary>Writes a trace as JSON (schemaVersion 1), every known credential scrubbed.</summary>
public static class RequestTraceJson
{
    private static readonly RequestTraceJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(RequestTraceJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(RequestTrace trace) =>
        Security.KnownCredentials.Scrub(System.Text.Json.JsonSerializer.Serialize(trace, Context.RequestTrace));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RequestTrace))]
public sealed partial class RequestTraceJsonContext : JsonSerializerContext;
