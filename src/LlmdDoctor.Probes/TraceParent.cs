using System.Security.Cryptography;

namespace LlmdDoctor.Probes;

/// <summary>A W3C <c>traceparent</c> (version 00, random ids, sampled) so a probe can be found in gateway and EPP traces.</summary>
internal sealed record TraceParent(string TraceId, string SpanId)
{
    public static TraceParent NewRandom()
    {
        Span<byte> bytes = stackalloc byte[24];
        do
        {
            RandomNumberGenerator.Fill(bytes);
        }
        while (IsZero(bytes[..16]) || IsZero(bytes[16..]));

        return new TraceParent(Convert.ToHexStringLower(bytes[..16]), Convert.ToHexStringLower(bytes[16..]));
    }

    public string Header => $"00-{TraceId}-{SpanId}-01";

    // The spec forbids all-zero trace and span ids.
    private static bool IsZero(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept((byte)0);
}
