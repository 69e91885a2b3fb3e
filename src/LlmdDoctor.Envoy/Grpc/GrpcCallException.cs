namespace LlmdDoctor.Envoy.Grpc;

/// <summary>A gRPC call that did not end with OK: the status and the transport-level cause.</summary>
public sealed class GrpcCallException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is the short human-readable reason.</summary>
    public GrpcCallException(RpcStatus status, GrpcFailureKind failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        Failure = failure;
    }

    /// <summary>The gRPC status of the call (from the server, or synthesized by this client for transport failures).</summary>
    public RpcStatus Status { get; }

    /// <summary>Where the failure came from.</summary>
    public GrpcFailureKind Failure { get; }
}
