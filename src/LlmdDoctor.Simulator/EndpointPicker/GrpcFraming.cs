using System.Buffers.Binary;
using Google.Protobuf;
using LlmdDoctor.Envoy.Grpc;

namespace LlmdDoctor.Simulator.EndpointPicker;

/// <summary>
/// gRPC length-prefixed messages (grpc/grpc doc/PROTOCOL-HTTP2.md):
/// <c>[compressed-flag: 1 byte][length: uint32 big-endian][message]</c>. Only the simulated EPP's server side
/// frames by hand (it serves gRPC on plain Kestrel); the doctor's client uses Grpc.Net.Client.
/// </summary>
internal static class GrpcFraming
{
    /// <summary>Size of the prefix before each message.</summary>
    public const int PrefixSize = 5;

    /// <summary>Serializes <paramref name="message"/> into one uncompressed frame.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[PrefixSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)size);
        message.WriteTo(frame.AsSpan(PrefixSize));
        return frame;
    }

    /// <summary>
    /// Reads one message payload. Returns null at a clean end of stream (no byte of a new frame read).
    /// Throws <see cref="GrpcCallException"/> for a frame cut short, a compressed frame, or one above <paramref name="maxSize"/>.
    /// </summary>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, int maxSize, CancellationToken cancellationToken)
    {
        var prefix = new byte[PrefixSize];
        var read = await stream.ReadAtLeastAsync(prefix, PrefixSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }
        if (read < PrefixSize)
        {
            throw Violation($"stream ended inside a message prefix ({read} of {PrefixSize} bytes)");
        }
        if (prefix[0] > 1)
        {
            throw Violation($"invalid compressed-flag byte {prefix[0]} (peer is not speaking gRPC)");
        }
        if (prefix[0] == 1)
        {
            // We advertise grpc-accept-encoding: identity, so a compressed message is a protocol error.
            throw Violation("peer sent a compressed message although only identity encoding was accepted");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
        if (length > (uint)maxSize)
        {
            throw new GrpcCallException(
                new RpcStatus(GrpcStatusCode.ResourceExhausted, $"received message larger than max ({length} vs. {maxSize})"),
                GrpcFailureKind.MessageTooLarge,
                $"peer sent a {length}-byte message, above the {maxSize}-byte receive limit");
        }
        var payload = new byte[length];
        read = await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < payload.Length)
        {
            throw Violation($"stream ended inside a message ({read} of {length} bytes)");
        }
        return payload;
    }

    private static GrpcCallException Violation(string message) =>
        new(new RpcStatus(GrpcStatusCode.Internal, message), GrpcFailureKind.ProtocolViolation, message);
}
