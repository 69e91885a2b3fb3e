using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

/// <summary>
/// A gateway's CA file is its only trust, read once per prober (one cycle) and handed to every handshake; every probe
/// still makes its own connection and handshake, so a certificate rotated on the server is judged by the next probe.
/// </summary>
[Collection(GatewayCollection.Name)]
public class CaFileTrustTests(TestGateway gateway)
{
    private static readonly ProbeSettings Fast = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static TheoryData<string, string?> CaFiles => new()
    {
        { "gateway", null },
        { "other", "not signed by a CA in" },
        { "missing", "could not be read" },
    };

    [Theory]
    [MemberData(nameof(CaFiles))]
    public async Task The_ca_file_alone_decides_the_chain(string caFile, string? problem)
    {
        var file = CaFile(caFile);

        var r = await ProbeRun.OneAsync(Target(gateway.TrustedHttpsUrl), Fast, new GatewayProbeOptions { CaFile = file });

        if (problem is null)
        {
            Assert.True(r.Success, r.Transcript);
            Assert.Contains("certificate subject CN=localhost", r.Transcript, StringComparison.Ordinal);
            Assert.DoesNotContain("not signed", r.Transcript, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal((ProbeFailureReason.Tls, ProbePhase.Tls, ProbeLayer.Tls), (r.Reason, r.FailedIn, r.Classification.Layer));
            Assert.Contains(problem, r.Detail, StringComparison.Ordinal);
            Assert.Contains(file, r.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_ca_file_is_read_once_per_prober_and_again_by_the_next_cycles()
    {
        var file = Path.Combine(Path.GetTempPath(), $"llmd-doctor-ca-{Guid.NewGuid():N}.pem");
        File.Copy(gateway.OtherCaFile, file);
        try
        {
            var options = new GatewayProbeOptions { CaFile = file };
            using var cycle = new GatewayProber(Fast);
            var before = await OneAsync(cycle, options);
            File.Copy(gateway.CaFile, file, overwrite: true);
            var sameCycle = await OneAsync(cycle, options);
            using var nextCycle = new GatewayProber(Fast);
            var after = await OneAsync(nextCycle, options);

            Assert.Equal(ProbeFailureReason.Tls, before.Reason);
            Assert.Equal(ProbeFailureReason.Tls, sameCycle.Reason);
            Assert.True(after.Success, after.Transcript);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_server_certificate_rotated_mid_cycle_is_judged_by_the_next_probe()
    {
        var options = new GatewayProbeOptions { CaFile = gateway.CaFile };
        using var cycle = new GatewayProber(Fast);
        try
        {
            var trusted = await OneAsync(cycle, options, gateway.RotatingHttpsUrl);
            gateway.RotatingCertificate = gateway.OtherLeaf;
            var rotated = await OneAsync(cycle, options, gateway.RotatingHttpsUrl);
            gateway.RotatingCertificate = gateway.TrustedLeaf;
            var restored = await OneAsync(cycle, options, gateway.RotatingHttpsUrl);

            Assert.True(trusted.Success, trusted.Transcript);
            Assert.Equal((ProbeFailureReason.Tls, ProbePhase.Tls), (rotated.Reason, rotated.FailedIn));
            Assert.Contains("not signed by a CA in", rotated.Detail, StringComparison.Ordinal);
            Assert.True(restored.Success, restored.Transcript);
            Assert.True(restored.Timings.Tls > TimeSpan.Zero, "every probe makes its own handshake");
        }
        finally
        {
            gateway.RotatingCertificate = gateway.TrustedLeaf;
        }
    }

    private string CaFile(string which) => which switch
    {
        "gateway" => gateway.CaFile,
        "other" => gateway.OtherCaFile,
        _ => Path.Combine(Path.GetTempPath(), $"llmd-doctor-no-such-ca-{Guid.NewGuid():N}.pem"),
    };

    private ProbeTarget Target(string baseUrl) => ProbeRun.Models($"{baseUrl}/tls/v1/models");

    private async Task<ProbeResult> OneAsync(GatewayProber prober, GatewayProbeOptions options, string? baseUrl = null)
    {
        var target = Target(baseUrl ?? gateway.TrustedHttpsUrl);
        var group = new ProbeGroup { GatewayKey = target.GatewayKey, BaseUrl = "", ApiPrefix = "", Options = options, Models = target };
        return (await prober.RunGroupAsync(group))[0];
    }
}
