using System.Text;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Faults of the Endpoint Picker's gRPC port, seen by a full doctor cycle (LiveClusterSource with the EPP Service
/// mapped to a loopback fake; the CLI cannot be told to map cluster DNS names).
/// </summary>
public static class EndpointPickerCases
{
    private const string Area = "EPP";

    /// <summary>The EPP pod's IP in the healthy scenario (its container declares grpc-health 9003).</summary>
    private const string EppPodIp = "10.128.2.41";

    /// <summary>GIE's Helm chart EPP Service: grpc-ext-proc 9002 and http-metrics 9090 only (epp-service.yaml @v1.0.0).</summary>
    private static void WithoutHealthServicePort(Lab lab) =>
        lab.Api.Mutate("Service", "my-first-model", "qwen3-0-6b-epp-service", o => o["spec"]!["ports"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "grpc-ext-proc", ["port"] = 9002, ["targetPort"] = 9002 },
            new System.Text.Json.Nodes.JsonObject { ["name"] = "http-metrics", ["port"] = 9090, ["targetPort"] = 9090 }));

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "gRPC stream reset", "names the EPP Service and the failed ext_proc stream", "LLMD0205", async () =>
        {
            await using var epp = await FakeEndpointPicker.StartAsync(EppFault.StreamReset);
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CycleAsync(FakeEndpointPicker.Addresses(epp.Url));
            var f = Expect.Finding(outcome, "LLMD0205", "detail", "the ext_proc stream failed");
            Assert.Equal("qwen3-0-6b-epp-service", f.Subject.Name);
            Expect.NoFinding(outcome, "LLMD0203");
        }),

        new(Area, "trailers-only error (UNAVAILABLE)", "names the EPP and the gRPC status it answered", "LLMD0205", async () =>
        {
            await using var epp = await FakeEndpointPicker.StartAsync(EppFault.TrailersOnly);
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CycleAsync(FakeEndpointPicker.Addresses(epp.Url));
            Expect.Finding(outcome, "LLMD0205", "status", "Unavailable");
            Expect.Finding(outcome, "LLMD0205", "detail", "no healthy upstream");
        }),

        new(Area, "never-ending stream", "cuts the conversation at the probe timeout and names the EPP", "LLMD0205", async () =>
        {
            await using var epp = await FakeEndpointPicker.StartAsync(EppFault.NeverEnding);
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CycleAsync(FakeEndpointPicker.Addresses(epp.Url), TimeSpan.FromSeconds(20));
            Expect.Finding(outcome, "LLMD0205", "detail", "the ext_proc stream failed");
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(10), $"the cycle took {outcome.Elapsed}");
        }),

        new(Area, "wrong protocol on the port (HTTP/1.1)", "names the EPP: the port does not speak gRPC", "LLMD0205", async () =>
        {
            await using var http1 = new RawServer(
                (r, s, ct) => s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request"), ct).AsTask(),
                readRequest: false);
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CycleAsync(FakeEndpointPicker.Addresses(new Uri(http1.Url)));
            Expect.Finding(outcome, "LLMD0205", "detail", "the ext_proc stream failed");
        }),

        new(Area, "GIE Helm Service without a health port, pod answers", "asks health on the EPP pod's container port 9003 instead; no LLMD0203", "none", async () =>
        {
            var asked = 0;
            await using var health = await Http2Server.StartAsync(async context =>
            {
                Interlocked.Increment(ref asked);
                context.Response.ContentType = "application/grpc";
                // HealthCheckResponse{status: SERVING}: field 1 varint 1, in one length-prefixed gRPC message.
                await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, context.RequestAborted);
                context.Response.AppendTrailer("grpc-status", "0");
            });
            await using var epp = await FakeEndpointPicker.StartAsync(EppFault.StreamReset);
            await using var lab = await Lab.StartAsync();
            WithoutHealthServicePort(lab);
            var outcome = await lab.CycleAsync(new LlmdDoctor.Collection.ServiceAddresses(new Dictionary<string, Uri>
            {
                [$"{HealthyCluster.EppHost}:9002"] = epp.Url,
                [$"{EppPodIp}:9003"] = health.Url,
            }));
            Expect.NoFinding(outcome, "LLMD0203");
            Assert.Equal(3, asked);
        }),

        new(Area, "GIE Helm Service without a health port, pod refuses", "names the EPP as not ready and the pod it asked", "LLMD0203", async () =>
        {
            await using var epp = await FakeEndpointPicker.StartAsync(EppFault.StreamReset);
            await using var lab = await Lab.StartAsync();
            WithoutHealthServicePort(lab);
            var outcome = await lab.CycleAsync(new LlmdDoctor.Collection.ServiceAddresses(new Dictionary<string, Uri>
            {
                [$"{HealthyCluster.EppHost}:9002"] = epp.Url,
                [$"{EppPodIp}:9003"] = new Uri($"http://127.0.0.1:{Ports.Closed()}"),
            }));
            Expect.Finding(outcome, "LLMD0203", "target", "pod my-first-model/qwen3-0-6b-kserve-router-scheduler");
        }),

        new(Area, "connection refused", "names the EPP as not ready (health) and its stream as failed", "LLMD0203", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var outcome = await lab.CycleAsync(FakeEndpointPicker.Addresses(new Uri($"http://127.0.0.1:{Ports.Closed()}")));
            Expect.Finding(outcome, "LLMD0203", "detail", "no answer");
            Expect.Finding(outcome, "LLMD0205", "detail", "the ext_proc stream failed");
        }),
    ];
}
