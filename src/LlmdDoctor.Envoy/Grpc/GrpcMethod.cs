using Google.Protobuf;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>A gRPC method: its HTTP/2 path (<c>/package.Service/Method</c>) and how to parse its responses.</summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class GrpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a method descriptor, e.g. <c>new("grpc.health.v1.Health", "Check", HealthCheckResponse.Parser)</c>.</summary>
    public GrpcMethod(string service, string name, MessageParser<TResponse> responseParser)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Path = $"/{service}/{name}";
        ResponseParser = responseParser;
    }

    /// <summary>The request path, e.g. <c>/envoy.service.ext_proc.v3.ExternalProcessor/Process</c>.</summary>
    public string Path { get; }

    /// <summary>Parser for response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc />
    public override string ToString() => Path;
}
