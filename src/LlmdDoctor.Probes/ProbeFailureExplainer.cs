using System.Net.Sockets;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>Turns what HttpClient threw into a failure reason and one line that says what happened, in which phase.</summary>
internal static class ProbeFailureExplainer
{
    /// <param name="timedOut">The probe timeout when it is what ended the attempt.</param>
    public static (ProbeFailureReason Reason, string Detail) Explain(Exception ex, TimeSpan? timedOut, ProbePhase phase)
    {
        if (timedOut is { } timeout)
        {
            return (ProbeFailureReason.Timeout,
                $"no complete answer within {(long)timeout.TotalMilliseconds} ms: timed out during {phase.ToLabel()}{PhaseHint(phase)}");
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ProbeTransportException transport:
                    return (transport.Reason, transport.Message);
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return (ProbeFailureReason.Reset, $"the connection closed during {phase.ToLabel()} before the response was complete");
                case SocketException socket:
                    return (socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => ProbeFailureReason.Refused,
                        SocketError.TimedOut => ProbeFailureReason.Timeout,
                        SocketError.HostUnreachable or SocketError.NetworkUnreachable => ProbeFailureReason.Unreachable,
                        _ => ProbeFailureReason.Reset,
                    }, $"{socket.SocketErrorCode} during {phase.ToLabel()}");
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError } invalid:
                    return (ProbeFailureReason.InvalidResponse, $"not a valid HTTP/1.1 answer: {invalid.Message}");
            }
        }

        return ex is IOException or HttpRequestException
            ? (ProbeFailureReason.Reset, $"the connection failed during {phase.ToLabel()}: {ex.Message}")
            : (ProbeFailureReason.InvalidResponse, $"{ex.GetType().Name}: {ex.Message}");
    }

    private static string PhaseHint(ProbePhase phase) => phase switch
    {
        ProbePhase.Processing => " (connected, no response headers)",
        ProbePhase.Transfer => " (headers received, body incomplete)",
        _ => "",
    };
}
