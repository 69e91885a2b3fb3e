using System.Diagnostics;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

/// <summary>Peers that misbehave: each yields one bounded, classified result within the probe timeout.</summary>
[Collection(GatewayCollection.Name)]
public class BoundedFailureTests(TestGateway gateway)
{
    private static readonly ProbeSettings Fast = new() { Timeout = TimeSpan.FromMilliseconds(800) };

    [Fact]
    public async Task A_server_that_never_answers_times_out_in_processing()
    {
        var watch = Stopwatch.StartNew();

        var r = await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.HttpUrl}/never/v1/models"), Fast);

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(3));
        Assert.Equal((ProbeFailureReason.Timeout, ProbePhase.Processing, 0), (r.Reason, r.FailedIn, r.Status));
        Assert.Equal((ProbeVerdict.TransportFailed, ProbeLayer.Gateway), (r.Classification.Verdict, r.Classification.Layer));
        Assert.Contains("no response headers", r.Detail, StringComparison.Ordinal);
        Assert.True(r.Timings.Processing > TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task A_one_gigabyte_body_is_cut_at_the_cap_with_bounded_memory()
    {
        var settings = new ProbeSettings { Timeout = TimeSpan.FromSeconds(5), MaxBodyBytes = 1024 * 1024 };
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();

        var r = await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.HttpUrl}/huge/v1/models"), settings);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.Equal((ProbeFailureReason.TooLarge, 200, ProbePhase.Transfer), (r.Reason, r.Status, r.FailedIn));
        Assert.InRange(r.BodyBytes, settings.MaxBodyBytes, settings.MaxBodyBytes + (64 * 1024));
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated} bytes");
        Assert.True(r.BodyExcerpt.Length <= settings.ExcerptBytes);
        Assert.True(r.Transcript.Length <= settings.TranscriptChars + 64);
        Assert.Contains("content-length 1073741824", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_mid_body_is_a_reset_in_transfer()
    {
        var r = await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.HttpUrl}/reset/v1/models"), Fast);

        Assert.Equal((ProbeFailureReason.Reset, 200, ProbePhase.Transfer), (r.Reason, r.Status, r.FailedIn));
        Assert.Equal(ProbeVerdict.TransportFailed, r.Classification.Verdict);
        Assert.True(r.BodyBytes > 0);
    }

    [Fact]
    public async Task A_closed_port_is_refused_at_connect()
    {
        var r = await ProbeRun.OneAsync(ProbeRun.Models($"http://127.0.0.1:{TestGateway.ClosedPort()}/x/v1/models"), Fast);

        Assert.Equal((ProbeFailureReason.Refused, ProbePhase.Connect), (r.Reason, r.FailedIn));
        Assert.Equal(ProbeLayer.Connect, r.Classification.Layer);
        Assert.Contains("ConnectionRefused", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_host_fails_at_dns()
    {
        var r = await ProbeRun.OneAsync(ProbeRun.Models("http://gateway.does-not-exist.invalid/x/v1/models"), Fast);

        Assert.Equal((ProbeFailureReason.Dns, ProbePhase.Resolve), (r.Reason, r.FailedIn));
        Assert.Equal(ProbeLayer.Dns, r.Classification.Layer);
    }

    [Fact]
    public async Task An_expired_self_signed_certificate_fails_tls_and_says_why()
    {
        var r = await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.ExpiredHttpsUrl}/healthy/v1/models"), Fast);

        Assert.Equal((ProbeFailureReason.Tls, ProbePhase.Tls, 0), (r.Reason, r.FailedIn, r.Status));
        Assert.Contains("expired", r.Detail, StringComparison.Ordinal);
        Assert.Contains("self-signed", r.Detail, StringComparison.Ordinal);
        Assert.True(r.Timings.Tls > TimeSpan.Zero, "a failed handshake still took time");
        Assert.Equal(ProbeLayer.Tls, r.Classification.Layer);
    }

    [Fact]
    public async Task Insecure_skip_verify_is_explicit_and_still_says_what_was_wrong()
    {
        var r = await ProbeRun.OneAsync(ProbeRun.Models($"{gateway.ExpiredHttpsUrl}/healthy/v1/models"), Fast,
            new GatewayProbeOptions { InsecureSkipVerify = true });

        Assert.True(r.Success, r.Transcript);
        Assert.True(r.Timings.Tls > TimeSpan.Zero);
        Assert.Contains("not verified (insecure-skip-verify)", r.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ca_file_makes_a_private_ca_trusted_and_without_it_the_chain_is_not()
    {
        var target = ProbeRun.Models($"{gateway.TrustedHttpsUrl}/tls/v1/models");

        var trusted = await ProbeRun.OneAsync(target, Fast, new GatewayProbeOptions { CaFile = gateway.CaFile });
        var untrusted = await ProbeRun.OneAsync(target, Fast);

        Assert.True(trusted.Success, trusted.Transcript);
        Assert.Contains("* TLS Tls1", trusted.Transcript, StringComparison.Ordinal);
        Assert.Equal(ProbeFailureReason.Tls, untrusted.Reason);
    }

    [Fact]
    public async Task Host_and_sni_overrides_reach_a_gateway_by_address()
    {
        var target = ProbeRun.Models($"{gateway.TrustedHttpsUrl}/tls/v1/models");

        var ok = await ProbeRun.OneAsync(target, Fast, new GatewayProbeOptions { CaFile = gateway.CaFile, Host = "maas.apps.example.com", Sni = "localhost" });
        var mismatch = await ProbeRun.OneAsync(target, Fast, new GatewayProbeOptions { CaFile = gateway.CaFile, Sni = "maas.apps.example.com" });

        Assert.True(ok.Success, ok.Transcript);
        Assert.Contains(gateway.SeenBy("tls"), s => s.Headers["host"] == "maas.apps.example.com");
        Assert.Equal(ProbeFailureReason.Tls, mismatch.Reason);
        Assert.Contains("name mismatch", mismatch.Detail, StringComparison.Ordinal);
    }
}
