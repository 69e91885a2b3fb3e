namespace LlmdDoctor.Core.Probes;

/// <summary>
/// One attempt of one probe, explained: status, timings per phase, failure reason, the allow-listed response
/// headers that show the path taken, a bounded body excerpt and a bounded, redacted transcript.
/// <see cref="Classification"/> interprets it; findings are made by the checks.
/// </summary>
public sealed record ProbeResult
{
    public required ProbeTarget Target { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The model id sent in the POST body (null for GET probes and probes not run).</summary>
    public string? Model { get; init; }

    public ModelSource ModelSource { get; init; }

    /// <summary>HTTP status, 0 when no response headers came back.</summary>
    public int Status { get; init; }

    public ProbeFailureReason Reason { get; init; }

    /// <summary>The phase the attempt was in when it failed (null on success or after a complete answer).</summary>
    public ProbePhase? FailedIn { get; init; }

    /// <summary>One line saying what went wrong (empty on success); never contains a credential.</summary>
    public string Detail { get; init; } = "";

    public ProbeTimings Timings { get; init; } = ProbeTimings.Zero;

    /// <summary>Allow-listed response headers (lower-case names) that show the path taken.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The first bytes of the body (UTF-8, bounded by the prober).</summary>
    public string BodyExcerpt { get; init; } = "";

    /// <summary>Bytes of body read before the attempt ended (including drained bytes).</summary>
    public long BodyBytes { get; init; }

    /// <summary>What the 2xx body was.</summary>
    public ProbeAnswer Answer { get; init; }

    /// <summary>Model ids listed by a <c>models</c>/<c>direct</c> probe.</summary>
    public IReadOnlyList<string> ModelIds { get; init; } = [];

    /// <summary>The W3C trace id sent in <c>traceparent</c>, to find the request in gateway and EPP logs.</summary>
    public string TraceId { get; init; } = "";

    /// <summary>A credential header was sent (its value never appears anywhere in a result).</summary>
    public bool CredentialSent { get; init; }

    /// <summary>Request line, redacted headers, status, allow-listed headers, body excerpt; bounded.</summary>
    public string Transcript { get; init; } = "";

    /// <summary>The prober's verdict: 2xx and a usable OpenAI answer.</summary>
    public bool Success => Reason == ProbeFailureReason.None;

    /// <summary>Which layer broke and how, derived from the fields above (recomputed, so it also holds for results read from a bundle).</summary>
    public ProbeClassification Classification => ProbeClassifier.Classify(this);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
