using System.Buffers;
using Google.Protobuf;
using Grpc.Core;

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
        // Every call is started as a duplex stream: on the wire a unary call is the same HTTP/2 exchange, and one
        // call shape keeps one failure classification (GrpcDuplexCall).
        Descriptor = new Method<TRequest, TResponse>(MethodType.DuplexStreaming, service, name,
            Marshallers.Create<TRequest>(Serialize, _ => throw new NotSupportedException("requests are never parsed by the client")),
            Marshallers.Create<TResponse>((_, _) => throw new NotSupportedException("responses are never written by the client"), Parse));
    }

    /// <summary>The request path, e.g. <c>/envoy.service.ext_proc.v3.ExternalProcessor/Process</c>.</summary>
    public string Path { get; }

    /// <summary>Parser for response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    internal Method<TRequest, TResponse> Descriptor { get; }

    /// <inheritdoc />
    public override string ToString() => Path;

    private static void Serialize(TRequest message, SerializationContext context)
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(context.GetBufferWriter());
        context.Complete();
    }

    private TResponse Parse(DeserializationContext context) => ResponseParser.ParseFrom(context.PayloadAsReadOnlySequence());
}
