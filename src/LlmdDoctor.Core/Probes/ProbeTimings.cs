namespace LlmdDoctor.Core.Probes;

/// <summary>The phases of one probe attempt; label values of <c>llmd_doctor_probe_duration_seconds{phase}</c>.</summary>
public enum ProbePhase
{
    Resolve,
    Connect,
    Tls,
    Processing,
    Transfer,
    Total,
}

/// <summary>
/// How long each phase of one attempt took (blackbox_exporter's phases): DNS resolve, TCP connect, TLS
/// handshake, processing (request sent → response headers), transfer (headers → body read), total.
/// A phase that did not happen (plain HTTP has no TLS; a failed connect has no processing) is zero.
/// </summary>
public sealed record ProbeTimings(
    TimeSpan Resolve,
    TimeSpan Connect,
    TimeSpan Tls,
    TimeSpan Processing,
    TimeSpan Transfer,
    TimeSpan Total)
{
    public static ProbeTimings Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan Of(ProbePhase phase) => phase switch
    {
        ProbePhase.Resolve => Resolve,
        ProbePhase.Connect => Connect,
        ProbePhase.Tls => Tls,
        ProbePhase.Processing => Processing,
        ProbePhase.Transfer => Transfer,
        ProbePhase.Total => Total,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>Whole milliseconds of <see cref="Total"/>, as the report shows them.</summary>
    public long TotalMilliseconds => (long)Math.Round(Total.TotalMilliseconds, MidpointRounding.AwayFromZero);
}

/// <summary>The <c>phase</c> label values of <see cref="ProbePhase"/>.</summary>
public static class ProbePhaseNames
{
    public static string ToLabel(this ProbePhase phase) => phase switch
    {
        ProbePhase.Resolve => "resolve",
        ProbePhase.Connect => "connect",
        ProbePhase.Tls => "tls",
        ProbePhase.Processing => "processing",
        ProbePhase.Transfer => "transfer",
        ProbePhase.Total => "total",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };
}
