namespace LlmdDoctor.Core.Probes;

/// <summary>Why a probe attempt did not succeed, as the prober saw it (before any diagnosis).</summary>
public enum ProbeFailureReason
{
    /// <summary>The attempt succeeded: 2xx and a usable OpenAI answer.</summary>
    None,

    /// <summary>The host name did not resolve.</summary>
    Dns,

    /// <summary>The TCP connection was refused (nothing listens).</summary>
    Refused,

    /// <summary>No route to the host or network.</summary>
    Unreachable,

    /// <summary>The peer reset or closed the connection before the response was complete.</summary>
    Reset,

    /// <summary>The per-probe timeout expired (the detail names the phase).</summary>
    Timeout,

    /// <summary>The TLS handshake failed (certificate, protocol).</summary>
    Tls,

    /// <summary>A complete HTTP answer with a non-2xx status.</summary>
    HttpError,

    /// <summary>A 2xx answer whose body is not the OpenAI shape asked for (or an empty model list).</summary>
    InvalidResponse,

    /// <summary>The body exceeded the prober's hard cap; the connection was dropped.</summary>
    TooLarge,

    /// <summary>The probe was planned but not sent (e.g. no model id to ask for); the detail says why.</summary>
    NotRun,
}

/// <summary>Helpers over <see cref="ProbeFailureReason"/>.</summary>
public static class ProbeFailureReasons
{
    /// <summary>True when no complete HTTP answer came back (connection-level failures).</summary>
    public static bool IsTransport(this ProbeFailureReason reason) => reason is ProbeFailureReason.Dns or ProbeFailureReason.Refused
        or ProbeFailureReason.Unreachable or ProbeFailureReason.Reset or ProbeFailureReason.Timeout or ProbeFailureReason.Tls
        or ProbeFailureReason.TooLarge;

    /// <summary>Lower-case name for evidence and transcripts (<c>refused</c>, <c>tls</c>, …).</summary>
    public static string ToName(this ProbeFailureReason reason) => reason switch
    {
        ProbeFailureReason.None => "none",
        ProbeFailureReason.Dns => "dns",
        ProbeFailureReason.Refused => "refused",
        ProbeFailureReason.Unreachable => "unreachable",
        ProbeFailureReason.Reset => "reset",
        ProbeFailureReason.Timeout => "timeout",
        ProbeFailureReason.Tls => "tls",
        ProbeFailureReason.HttpError => "http error",
        ProbeFailureReason.InvalidResponse => "invalid response",
        ProbeFailureReason.TooLarge => "too large",
        ProbeFailureReason.NotRun => "not run",
        _ => reason.ToString(),
    };
}
