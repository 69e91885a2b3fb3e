using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>Turns an exchange into the recorded result: outcome line in the transcript, credential scrubbed everywhere.</summary>
internal static class ProbeSealer
{
    public static ProbeResult Seal(HttpExchange exchange, ProbeCredential? credential, ProbeAnswer answer, IReadOnlyList<string> ids,
        string? model = null, ModelSource source = ModelSource.None)
    {
        var draft = new ProbeResult
        {
            Target = exchange.Target,
            StartedAt = exchange.StartedAt,
            Model = model,
            ModelSource = source,
            Status = exchange.Status,
            Reason = exchange.Reason,
            FailedIn = exchange.FailedIn,
            Detail = ProbeRedaction.Scrub(exchange.Detail, credential),
            Timings = exchange.Timings,
            Headers = exchange.Headers.ToDictionary(h => h.Key, h => ProbeRedaction.Scrub(h.Value, credential), StringComparer.Ordinal),
            BodyExcerpt = ProbeRedaction.Scrub(exchange.Excerpt, credential),
            BodyBytes = exchange.BodyBytes,
            Answer = answer,
            ModelIds = [.. ids.Select(id => ProbeRedaction.Scrub(id, credential))],
            TraceId = exchange.TraceId,
            CredentialSent = exchange.CredentialSent,
        };

        var c = draft.Classification;
        exchange.Transcript.Outcome(draft.Success
            ? $"success in {draft.Timings.TotalMilliseconds} ms"
            : $"{c.Verdict} at layer {c.Layer}: {c.Detail}");
        return draft with { Transcript = ProbeRedaction.Scrub(exchange.Transcript.ToString(), credential) };
    }

    /// <summary>A planned probe that was not sent, with the reason.</summary>
    public static ProbeResult NotRun(ProbeTarget target, DateTimeOffset at, string why) => new()
    {
        Target = target,
        StartedAt = at,
        Reason = ProbeFailureReason.NotRun,
        Detail = why,
        Transcript = $"= not run: {why}\n",
    };
}
