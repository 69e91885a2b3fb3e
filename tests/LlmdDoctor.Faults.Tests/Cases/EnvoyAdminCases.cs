using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>Faults of the gateway pod's Envoy admin (:15000), read through pods/portforward by <c>llmd-doctor check</c>.</summary>
public static class EnvoyAdminCases
{
    private const string Area = "Envoy admin";

    private static string Dump => File.ReadAllText(Path.Combine(HealthyCluster.EnvoyDir, "config_dump.json"));

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "port-forward refused inside the pod", "names the pod and the kubelet's error; the Envoy checks are skipped, not passed", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.EnvoyFault = _ => new PodPortAnswer { Error = "error forwarding port 15000 to pod 0123abcd, uid : failed to execute portforward in network namespace: connection refused" };
            var outcome = await lab.CheckAsync();
            var f = Expect.Finding(outcome, "LLMD0003", "source", "Envoy admin via pods/portforward");
            Assert.Contains($"port-forward openshift-ingress/{HealthyCluster.GatewayPod}:15000", f.Evidence["reason"], StringComparison.Ordinal);
            Assert.Contains("connection refused", f.Evidence["reason"], StringComparison.Ordinal);
            Assert.Contains("envoy.ExtProcBodyLoss", f.Evidence["checks"], StringComparison.Ordinal);
        }),

        new(Area, "pods/portforward forbidden (403)", "names the RBAC denial (create pods/portforward) and the Envoy checks it blocks", "LLMD0002", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Fail($"/api/v1/namespaces/openshift-ingress/pods/{HealthyCluster.GatewayPod}/portforward", 403, "Forbidden",
                "pods \"x\" is forbidden: User \"system:serviceaccount:llm-d-monitoring:llmd-doctor\" cannot create resource \"pods/portforward\"");
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0002", "resource", "pods/portforward");
        }),

        new(Area, "truncated config_dump", "names the pod and the byte where the JSON ends; the Envoy checks are skipped", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.EnvoyFault = path => path == "/config_dump" ? PodPortAnswer.Ok(Encoding.UTF8.GetBytes(Dump[..(Dump.Length / 2)])) : null;
            var outcome = await lab.CheckAsync();
            var f = Expect.Finding(outcome, "LLMD0003", "reason", $"{HealthyCluster.GatewayPod}/config_dump: truncated at byte");
            Assert.Contains("envoy.ExtProcBodyLoss", f.Evidence["checks"], StringComparison.Ordinal);
            Expect.NoCrash(outcome);
        }),

        new(Area, "500 MB config_dump", "stops at limits.maxDumpMegabytes (8 here) and names the gateway; memory stays flat", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ExtraConfig = "limits:\n  maxDumpMegabytes: 8";
            lab.EnvoyFault = path => path == "/config_dump" ? new PodPortAnswer { Body = () => new EndlessDump(500L * 1024 * 1024) } : null;
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 200);
            Expect.Finding(outcome, "LLMD0003", "reason", "larger than 8388608 bytes");
        }),

        new(Area, "500 MB config_dump, default limits", "stops at the default 256 MiB dump bound (spooled to a temp file, not memory) and names the gateway; memory grows less than 100 MiB", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ProbeTimeout = "20s";
            lab.EnvoyFault = path => path == "/config_dump" ? new PodPortAnswer { Body = () => new EndlessDump(500L * 1024 * 1024) } : null;
            var outcome = await Memory.BoundedAsync(() => lab.CheckAsync(), 100);
            Expect.Finding(outcome, "LLMD0003", "reason", "larger than 268435456 bytes");
        }),

        new(Area, "dump of an unknown Envoy version (9.9.0, unknown @types)", "parses what it knows, skips unknown types, runs every Envoy check; nothing crashes", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var dump = JsonNode.Parse(Dump)!.AsObject();
            var configs = dump["configs"]!.AsArray();
            configs.Insert(0, new JsonObject { ["@type"] = "type.googleapis.com/envoy.admin.v9.QuantumConfigDump", ["entanglement"] = new JsonObject { ["spin"] = "up" } });
            foreach (var c in configs.OfType<JsonObject>())
            {
                c["future_field_added_in_9_9"] = new JsonArray(1, 2, 3);
            }

            var info = File.ReadAllText(Path.Combine(HealthyCluster.EnvoyDir, "server_info.json")).Replace("/1.36.2/", "/9.9.0/", StringComparison.Ordinal);
            lab.EnvoyFault = path => path switch
            {
                "/config_dump" => PodPortAnswer.Ok(Encoding.UTF8.GetBytes(dump.ToJsonString())),
                "/server_info" => PodPortAnswer.Ok(Encoding.UTF8.GetBytes(info)),
                _ => null,
            };
            var outcome = await lab.CheckAsync();
            Expect.NoCrash(outcome);
            Expect.NoFinding(outcome, "LLMD0003");
            Assert.DoesNotContain(outcome.Report.Skipped, s => s.Check.StartsWith("envoy.", StringComparison.Ordinal));
        }),

        new(Area, "/stats garbage", "reads the dump, ignores unparseable stats lines; no crash, no made-up stats finding", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var garbage = new byte[256 * 1024];
            new Random(7).NextBytes(garbage);
            lab.EnvoyFault = path => path is "/stats" or "/clusters" ? PodPortAnswer.Ok(garbage, "text/plain") : null;
            var outcome = await lab.CheckAsync();
            Expect.NoCrash(outcome);
            Expect.NoFinding(outcome, "LLMD0204");
        }),

        new(Area, "admin never answers", "cuts each read at the probe timeout and names the gateway (timeout)", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.EnvoyFault = _ => new PodPortAnswer { Hang = true };
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "(timeout)");
            Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(15), $"the run took {outcome.Elapsed}");
        }),

        new(Area, "config_dump answers 503", "names the gateway pod and the admin's status", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.EnvoyFault = path => path == "/config_dump" ? PodPortAnswer.Http(503, "envoy overloaded", "text/plain") : null;
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "reason", "answered 503");
        }),
    ];

    /// <summary>A config dump that never ends: produced on demand, so 500 MB never exist in memory.</summary>
    private sealed class EndlessDump(long length) : Stream
    {
        private static readonly byte[] Unit = Encoding.ASCII.GetBytes("{\"@type\":\"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\",\"padding\":\"" + new string('x', 4000) + "\"},");
        private long _position;
        private bool _started;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_started)
            {
                _started = true;
                var head = Encoding.ASCII.GetBytes("{\"configs\":[");
                head.CopyTo(buffer, offset);
                _position += head.Length;
                return head.Length;
            }

            if (_position >= length)
            {
                return 0;
            }

            var n = (int)Math.Min(Math.Min(count, Unit.Length), length - _position);
            Array.Copy(Unit, 0, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
