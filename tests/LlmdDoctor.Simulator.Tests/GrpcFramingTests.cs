using Grpc.Health.V1;
using LlmdDoctor.Envoy.Grpc;
using LlmdDoctor.Simulator.EndpointPicker;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>The simulated EPP's hand framing (its server side; the doctor's client frames with Grpc.Net.Client).</summary>
public class GrpcFramingTests
{
    [Fact]
    public async Task Frame_round_trips_with_big_endian_length_prefix()
    {
        var message = new HealthCheckRequest { Service = "readiness" };
        var frame = GrpcFraming.Frame(message);
        Assert.Equal(0, frame[0]);
        Assert.Equal(new byte[] { 0, 0, 0, 11 }, frame[1..5]);
        using var stream = new MemoryStream([.. frame, .. frame]);
        var first = await GrpcFraming.ReadAsync(stream, 1024, default);
        var second = await GrpcFraming.ReadAsync(stream, 1024, default);
        Assert.Equal("readiness", HealthCheckRequest.Parser.ParseFrom(first).Service);
        Assert.NotNull(second);
        Assert.Null(await GrpcFraming.ReadAsync(stream, 1024, default));
    }

    [Fact]
    public async Task Empty_message_is_a_five_byte_frame()
    {
        var frame = GrpcFraming.Frame(new HealthCheckRequest());
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, frame);
        using var stream = new MemoryStream(frame);
        Assert.Empty((await GrpcFraming.ReadAsync(stream, 0, default))!);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, GrpcFailureKind.ProtocolViolation, GrpcStatusCode.Internal)]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1, 2 }, GrpcFailureKind.ProtocolViolation, GrpcStatusCode.Internal)]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 1 }, GrpcFailureKind.ProtocolViolation, GrpcStatusCode.Internal)]
    [InlineData(new byte[] { 0x3c, 0x68, 0x74, 0x6d, 0x6c }, GrpcFailureKind.ProtocolViolation, GrpcStatusCode.Internal)]
    [InlineData(new byte[] { 0, 0, 0, 4, 1 }, GrpcFailureKind.MessageTooLarge, GrpcStatusCode.ResourceExhausted)]
    public async Task Broken_or_oversized_frames_are_rejected(byte[] bytes, GrpcFailureKind kind, GrpcStatusCode code)
    {
        using var stream = new MemoryStream(bytes);
        var e = await Assert.ThrowsAsync<GrpcCallException>(() => GrpcFraming.ReadAsync(stream, 1024, default).AsTask());
        Assert.Equal(kind, e.Failure);
        Assert.Equal(code, e.Status.Code);
    }
}
