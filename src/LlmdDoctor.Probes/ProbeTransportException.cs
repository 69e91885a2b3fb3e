using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>A connection-level failure raised by <see cref="ProbeConnector"/>, already explained.</summary>
internal sealed class ProbeTransportException : Exception
{
    public ProbeTransportException(ProbeFailureReason reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    public ProbeFailureReason Reason { get; }
}
