using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>What one HTTP attempt produced, before its body is judged and the result sealed.</summary>
internal sealed class HttpExchange
{
    public required ProbeTarget Target { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public string TraceId { get; init; } = "";
    public bool CredentialSent { get; init; }
    public int Status { get; set; }
    public ProbeFailureReason Reason { get; set; }
    public ProbePhase? FailedIn { get; set; }
    public string Detail { get; set; } = "";
    public ProbeTimings Timings { get; set; } = ProbeTimings.Zero;
    public IReadOnlyDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public byte[] Kept { get; set; } = [];
    public long BodyBytes { get; set; }
    public bool BodyComplete { get; set; }
    public string Excerpt { get; set; } = "";
    public ProbeTranscript Transcript { get; set; } = new(0);
}
