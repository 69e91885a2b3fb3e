using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Core.Tests.Cluster;

namespace LlmdDoctor.Core.Tests.EndpointPicker;

/// <summary>EPP gRPC health: asked only on a port that exists, and read the way GIE answers.</summary>
public sealed class EndpointPickerHealthTests
{
    private const string Epp = "qwen3-0-6b-epp-service";
    private const string EppPod = "qwen3-0-6b-kserve-router-scheduler-xyz";
    private const string ExtProc = "envoy.service.ext_proc.v3.ExternalProcessor";

    /// <summary>GIE's Helm chart EPP Service: grpc-ext-proc 9002 and http-metrics 9090 only (epp-service.yaml @v1.0.0).</summary>
    private static ClusterFixture GieHelmService(ClusterFixture f) => f.Mutate("Service", Epp, o => o["spec"]!["ports"] = new JsonArray(
        new JsonObject { ["name"] = "grpc-ext-proc", ["port"] = 9002 },
        new JsonObject { ["name"] = "http-metrics", ["port"] = 9090 }));

    public static TheoryData<string, Func<ClusterFixture, ClusterFixture>, string?, string?, int, string?> Targets() => new()
    {
        { "KServe Service exposes grpc-health 9003", f => f, Epp, null, 9003, null },
        { "GIE Helm Service without health: the pod's container port", GieHelmService, null, EppPod, 9003, null },
        { "health port named, not numbered 9003", f => GieHelmService(f).Mutate("Pod", EppPod,
            o => o["spec"]!["containers"]![0]!["ports"]![1]!["containerPort"] = 9555), null, EppPod, 9555, null },
        { "no health port on Service or pod", f => GieHelmService(f).Mutate("Pod", EppPod,
            o => o["spec"]!["containers"]![0]!["ports"]!.AsArray().RemoveAt(1)), null, null, 0, "the Service exposes grpc-ext-proc:9002,http-metrics:9090" },
        { "health only on a pod that is not ready", f => GieHelmService(f).Mutate("Pod", EppPod,
            o => o["status"]!["conditions"]![0]!["status"] = "False"), null, null, 0, "no EPP pod is ready" },
        { "EPP Service missing", f => f.Remove("Service", Epp), null, null, 0, "the Service does not exist" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Health_is_asked_only_on_a_port_that_exists(string row, Func<ClusterFixture, ClusterFixture> arrange, string? service, string? pod, int port, string? skip)
    {
        var snapshot = arrange(new ClusterFixture()).Snapshot();
        var pool = snapshot.InferencePools[0];
        var target = EndpointPickerHealthTarget.For(snapshot, pool);
        Assert.True((service, pod, port) == (target.Service, target.PodName, target.Port), $"{row}: got {target}");
        if (skip is null)
        {
            Assert.True(target.CanAsk, $"{row}: {target.SkipReason}");
        }
        else
        {
            Assert.False(target.CanAsk, row);
            Assert.Contains(skip, target.SkipReason, StringComparison.Ordinal);
        }

        if (pod is not null)
        {
            Assert.Equal("10.129.0.7", target.PodIp);
        }
    }

    private static EndpointPickerObservation Observed(params (string Service, string? Status)[] answers) =>
        new("my-first-model", "qwen3-0-6b-inference-pool", Epp)
        {
            HealthPort = 9003,
            HealthTarget = $"Service my-first-model/{Epp} port 9003",
            Health = [.. answers.Select(a => new EndpointPickerHealth(a.Service, a.Status, a.Status is null ? "connection refused" : null))],
        };

    public static TheoryData<string, EndpointPickerObservation, string[], string?> Answers() => new()
    {
        { "all SERVING (leader election off answers SERVING for any name)",
            Observed(("liveness", "SERVING"), ("readiness", "SERVING"), (ExtProc, "SERVING")), [], null },
        { "readiness NOT_SERVING", Observed(("liveness", "SERVING"), ("readiness", "NOT_SERVING"), (ExtProc, "NOT_SERVING")),
            [$"LLMD0203 Service my-first-model/{Epp}"], null },
        { "no answer", Observed(("liveness", null), ("readiness", null), (ExtProc, null)), [$"LLMD0203 Service my-first-model/{Epp}"], null },
        { "SERVICE_UNKNOWN for one name is not a failure", Observed(("liveness", "SERVING"), ("readiness", "SERVING"), (ExtProc, "SERVICE_UNKNOWN")), [], null },
        { "SERVICE_UNKNOWN for every name: nothing concluded", Observed(("liveness", "SERVICE_UNKNOWN"), ("readiness", "SERVICE_UNKNOWN"), (ExtProc, "SERVICE_UNKNOWN")),
            [], "knows none of the health services asked" },
        { "no health port: skipped with the reason", new EndpointPickerObservation("my-first-model", "qwen3-0-6b-inference-pool", Epp)
            { HealthSkipped = "Endpoint Picker my-first-model/x: no gRPC health port to ask" }, [], "no gRPC health port to ask" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Health_answers_are_read_as_GIE_gives_them(string row, EndpointPickerObservation observed, string[] expected, string? skip)
    {
        var inputs = new DoctorInputs
        {
            Cluster = new ClusterFixture().Snapshot(),
            EndpointPickers = [observed],
            States = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("test")),
        };
        var run = await new CheckRunner().RunAsync([new EndpointPickerHealthCheck()], inputs);
        var actual = run.Findings.Select(f => $"{f.Code} {f.Subject.Kind} {f.Subject.Key}").ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{row}: got [{string.Join("; ", actual)}]");
        if (skip is null)
        {
            Assert.Empty(run.Skipped);
        }
        else
        {
            Assert.Contains(skip, Assert.Single(run.Skipped).Reason, StringComparison.Ordinal);
        }

        if (expected.Length > 0)
        {
            Assert.Equal("9003", run.Findings[0].Evidence["port"]);
        }
    }
}
