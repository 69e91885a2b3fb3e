using LlmdDoctor.Envoy.Grpc;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>grpc.health.v1 Check against grpcio, over h2c and over TLS with each trust mode.</summary>
[Collection(InteropCollection.Name)]
public class GrpcHealthInteropTests(InteropServerFixture server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("", GrpcServingStatus.Serving)]
    [InlineData("liveness", GrpcServingStatus.Serving)]
    [InlineData("readiness", GrpcServingStatus.Serving)]
    [InlineData("envoy.service.ext_proc.v3.ExternalProcessor", GrpcServingStatus.Serving)]
    [InlineData("not-serving", GrpcServingStatus.NotServing)]
    [InlineData("no-such-service", GrpcServingStatus.ServiceUnknown)]
    public async Task Check_reports_the_serving_state_over_h2c(string service, GrpcServingStatus expected)
    {
        using var connection = server.H2c();
        var result = await new GrpcHealthClient(connection).CheckAsync(service, Timeout);
        Assert.Equal(expected, result.ServingStatus);
        Assert.Equal(expected == GrpcServingStatus.Serving, result.IsServing);
        Assert.Equal(expected == GrpcServingStatus.Serving, result.Error is null);
        if (expected == GrpcServingStatus.ServiceUnknown)
        {
            Assert.Equal(new RpcStatus(GrpcStatusCode.NotFound, "unknown service"), result.Status);
            Assert.Contains("does not know service 'no-such-service'", result.Error);
        }
        else
        {
            Assert.True(result.Status.IsOk);
        }
    }

    public static TheoryData<string> TrustedModes => ["ca-file", "pin", "pin-with-colons", "insecure"];

    [Theory]
    [MemberData(nameof(TrustedModes))]
    public async Task Check_over_tls_succeeds_when_the_self_signed_certificate_is_trusted(string mode)
    {
        var tls = mode switch
        {
            "ca-file" => new GrpcTlsOptions { CaFile = server.Certificate.CertFile },
            "pin" => new GrpcTlsOptions { PinnedSha256 = server.Certificate.Sha256.ToLowerInvariant() },
            "pin-with-colons" => new GrpcTlsOptions { PinnedSha256 = string.Join(':', server.Certificate.Sha256.Chunk(2).Select(c => new string(c))) },
            _ => new GrpcTlsOptions { InsecureSkipVerify = true },
        };
        using var connection = server.Tls(tls);
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.True(result.IsServing, result.Error);
        Assert.Null(connection.TlsFailure);
    }

    [Fact]
    public async Task Untrusted_self_signed_certificate_is_a_clear_tls_error()
    {
        using var connection = server.Tls(GrpcTlsOptions.SystemTrust);
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.Null(result.ServingStatus);
        Assert.Equal(GrpcFailureKind.Tls, result.Failure);
        Assert.Equal(GrpcStatusCode.Unavailable, result.Status.Code);
        Assert.Contains("self-signed / untrusted root", result.Error);
        Assert.Contains(server.Certificate.Sha256, result.Error);
    }

    [Fact]
    public async Task Certificate_not_issued_by_the_ca_file_is_rejected()
    {
        using var other = TestCertificate.Create("some-other-ca");
        using var connection = server.Tls(new GrpcTlsOptions { CaFile = other.CertFile });
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.Equal(GrpcFailureKind.Tls, result.Failure);
        Assert.Contains("not trusted by the CA file", result.Error);
    }

    [Fact]
    public async Task Wrong_pin_is_rejected()
    {
        using var connection = server.Tls(new GrpcTlsOptions { PinnedSha256 = new string('A', 64) });
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.Equal(GrpcFailureKind.Tls, result.Failure);
        Assert.Contains("does not match the pinned SHA-256", result.Error);
    }

    [Fact]
    public async Task Host_name_mismatch_is_rejected_even_with_the_right_ca()
    {
        using var connection = server.Tls(new GrpcTlsOptions { CaFile = server.Certificate.CertFile, ServerName = "epp.elsewhere.example" });
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.Equal(GrpcFailureKind.Tls, result.Failure);
        Assert.Contains("does not match the host name", result.Error);
    }

    [Fact]
    public async Task Tls_client_against_the_plaintext_port_fails_the_handshake()
    {
        using var connection = new GrpcConnection(new GrpcConnectionOptions
        {
            Address = new Uri($"https://127.0.0.1:{server.H2cPort}"),
            Tls = new GrpcTlsOptions { InsecureSkipVerify = true },
        });
        var result = await new GrpcHealthClient(connection).CheckAsync("readiness", Timeout);
        Assert.Null(result.ServingStatus);
        Assert.Contains(result.Failure, new[] { GrpcFailureKind.Tls, GrpcFailureKind.ConnectionClosed });
        Assert.Equal(GrpcStatusCode.Unavailable, result.Status.Code);
    }
}
