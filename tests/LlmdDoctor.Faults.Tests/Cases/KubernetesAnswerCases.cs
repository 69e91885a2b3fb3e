using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Kubernetes API answers that are not what kube-apiserver sends (a hostile namespace tenant's object, a broken proxy,
/// a paging bug): each makes only that kind unavailable (LLMD0003 naming the kind and why), never the run or the cycle;
/// pagination that loops or never ends is cut.
/// </summary>
public static class KubernetesAnswerCases
{
    private const string Area = "Kubernetes API";

    /// <summary>The healthy cluster's Pods as one List page, with <paramref name="extra"/> (raw JSON text) appended to its items.</summary>
    private static string PodListWith(string extra, string metadata = """{"resourceVersion":"5000"}""")
    {
        var pods = HealthyCluster.Objects.Where(o => (string?)o["kind"] == "Pod").Select(o => o.ToJsonString());
        return $$"""{"kind":"PodList","apiVersion":"v1","metadata":{{metadata}},"items":[{{string.Join(",", pods.Append(extra).Where(s => s.Length > 0))}}]}""";
    }

    private static void AnswerPods(Lab lab, string body) =>
        lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/pods", 200, "", "") { RawBody = body, ContentType = "application/json" });

    /// <summary>Pods unavailable with <paramref name="reason"/>; the rest of the cluster still read and checked.</summary>
    private static void OnlyPodsUnavailable(DoctorOutcome outcome, string reason)
    {
        Expect.Finding(outcome, "LLMD0003", "source", "Pod (");
        Expect.Finding(outcome, "LLMD0003", "reason", reason);
        Expect.NoFinding(outcome, "LLMD0003", f => !f.Evidence["source"].StartsWith("Pod (", StringComparison.Ordinal));
        Expect.Skipped(outcome, "pool.ReadyEndpoints", "unavailable");
        Expect.NoCrash(outcome);
    }

    private const string HostilePod = """{"metadata":{"name":"tenant-pod","namespace":"my-first-model"},"spec":{"containers":[{"name":"c"}]}}""";

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "a Pod with a duplicate key (one tenant's object)", "reports Pods as unavailable (duplicate property, at its place in the page); every other kind is read and checked", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("""{"metadata":{"name":"dup","name":"dup2","namespace":"my-first-model"}}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "Duplicate");
        }),

        new(Area, "a Pod field of the wrong JSON type (containers is a string)", "reports Pods as unavailable naming the object and the field; none of its Pods is used half-read", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("""{"metadata":{"name":"odd","namespace":"my-first-model"},"spec":{"containers":"vllm"}}"""));
            var outcome = await lab.CheckAsync();
            OnlyPodsUnavailable(outcome, "could not be read");
            Expect.Finding(outcome, "LLMD0003", "reason", "my-first-model/odd");
        }),

        new(Area, "labels that are a list instead of a map", "reports Pods as unavailable naming the object", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("""{"metadata":{"name":"odd","namespace":"my-first-model","labels":["app=vllm"]}}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "my-first-model/odd");
        }),

        new(Area, "a List item that is not an object", "reports Pods as unavailable: items[N] is a string, not an object", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("\"pod\""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "is string, not an object");
        }),

        new(Area, "a numeric continue token", "reports Pods as unavailable: metadata.continue is a number, not a string", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("", """{"resourceVersion":"5000","continue":12}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "metadata.continue is number");
        }),

        new(Area, "a numeric resourceVersion on the List", "reports Pods as unavailable: metadata.resourceVersion is not a string", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("", """{"resourceVersion":5000}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "metadata.resourceVersion is number");
        }),

        new(Area, "List metadata that is an array", "reports Pods as unavailable: metadata is not an object", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("", "[]"));
            OnlyPodsUnavailable(await lab.CheckAsync(), "metadata is array");
        }),

        new(Area, "an item nested 200 levels deep", "refuses JSON deeper than 64 levels: Pods unavailable, no stack overflow", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith($$"""{"metadata":{"name":"deep"},"spec":{{new string('[', 200)}}{{new string(']', 200)}}}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "depth");
        }),

        new(Area, "the same continue token twice (pagination loop)", "stops after the second page: Pods unavailable, 'pagination loops'; memory does not grow", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("", """{"resourceVersion":"5000","continue":"c2FtZQ=="}"""));
            OnlyPodsUnavailable(await lab.CheckAsync(), "pagination loops");
            Assert.Equal(2, lab.ApiFaults.RequestsTo("/api/v1/pods"));
        }),

        new(Area, "a new continue token on every page, forever", "stops at the page cap (1,000 pages): Pods unavailable, the rest checked", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/pods", 200, "", "")
            {
                RawBodyOf = n => $$"""{"kind":"PodList","metadata":{"continue":"page-{{n}}"},"items":[]}""",
                ContentType = "application/json",
            });
            var outcome = await lab.CheckAsync();
            OnlyPodsUnavailable(outcome, "more than 1,000 pages");
            Assert.Equal(1000, lab.ApiFaults.RequestsTo("/api/v1/pods"));
        }) { Slow = true },

        new(Area, "more Pods than the cap per kind", "stops reading at the cap (100,000 by default; 3 here): Pods unavailable, never an unbounded list", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            foreach (var i in Enumerable.Range(0, 4))
            {
                var pod = HealthyCluster.Objects.First(o => (string?)o["kind"] == "Pod").DeepClone().AsObject();
                pod["metadata"]!["name"] = $"extra-{i}";
                lab.Api.Add(pod);
            }

            using var client = new KubeClient(new KubeConnection { Server = lab.ApiUrl }, new KubeClientOptions { MaxListItems = 3, PageSize = 2 });
            var inventory = await new LiveInventoryCollector(client).CollectAsync();
            var pods = inventory.Inputs[CheckInput.Pods];
            Assert.Equal(InputStatus.Unavailable, pods.Status);
            Assert.Contains("more than 3 items (the cap per kind)", pods.Reason, StringComparison.Ordinal);
            Assert.Empty(inventory.Snapshot.Pods);
            Assert.Equal(InputStatus.Available, inventory.Inputs[CheckInput.Gateways].Status);
        }),

        new(Area, "continue token expired (410 Gone) mid-list", "starts the list over once and completes with every kind read", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            foreach (var i in Enumerable.Range(0, 600))
            {
                lab.Api.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["namespace"] = "load", ["name"] = $"svc-{i:D3}" } });
            }

            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/services", 410, "Expired", "The provided continuation parameter is too old") { QueryContains = "continue=", Times = 1 });
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Assert.Equal(4, lab.ApiFaults.RequestsTo("/api/v1/services"));
        }),

        new(Area, "a List without items or metadata (an empty kind)", "reads it as empty: no finding about the source", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/apis/networking.istio.io/v1alpha3/envoyfilters", 200, "", "") { RawBody = "{}", ContentType = "application/json" });
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Expect.NoCrash(outcome);
        }),

        new(Area, "unknown fields, nulls and annotations on every Pod", "reads every Pod (unknown fields are ignored, nulls are empty): nothing reported", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var pods = HealthyCluster.Objects.Where(o => (string?)o["kind"] == "Pod").Select(o =>
            {
                var pod = o.DeepClone().AsObject();
                pod["futureField"] = new JsonObject { ["x"] = new JsonArray(1, 2) };
                pod["metadata"]!["annotations"] = new JsonObject { ["k8s.v1.cni.cncf.io/network-status"] = "[{\"name\":\"ovn\"}]" };
                pod["metadata"]!["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "kubelet", ["fieldsV1"] = new JsonObject() });
                pod["spec"]!["nodeName"] = null;
                return pod.ToJsonString();
            });
            AnswerPods(lab, $$"""{"kind":"PodList","metadata":{},"items":[{{string.Join(",", pods)}}]}""");
            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Expect.NoFinding(outcome, "LLMD0002");
        }),

        new(Area, "a Pod with a duplicate key, agent cycle after cycle", "every cycle completes and reports Pods unavailable; the gateways are still checked", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith(HostilePod.Replace("\"name\":\"c\"", "\"name\":\"c\",\"name\":\"d\"", StringComparison.Ordinal)));
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var outcome = await lab.CycleAsync();
                Expect.Finding(outcome, "LLMD0003", "source", "Pod (");
                Expect.Finding(outcome, "LLMD0003", "reason", "Duplicate");
                Expect.NoCrash(outcome);
                Assert.Contains(outcome.Report.Flows, f => f.Gateway == HealthyCluster.GatewayKey);
            }
        }),

        new(Area, "a ConfigMap with a duplicate key (openshift-monitoring)", "reports ConfigMaps as unavailable; the monitoring checks that read them are skipped", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/api/v1/namespaces/openshift-monitoring/configmaps", 200, "", "")
            {
                RawBody = """{"kind":"ConfigMapList","metadata":{},"items":[{"metadata":{"name":"cluster-monitoring-config","namespace":"openshift-monitoring"},"data":{"config.yaml":"a","config.yaml":"b"}}]}""",
                ContentType = "application/json",
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "ConfigMap (");
            Expect.Finding(outcome, "LLMD0003", "reason", "Duplicate");
            Expect.NoCrash(outcome);
        }),

        new(Area, "an HTTPRoute whose rules are an object", "reports HTTPRoutes as unavailable naming the route; the route checks are skipped, not passed", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/apis/gateway.networking.k8s.io/v1/httproutes", 200, "", "")
            {
                RawBody = """{"kind":"HTTPRouteList","metadata":{},"items":[{"metadata":{"name":"odd-route","namespace":"my-first-model"},"spec":{"rules":{"matches":[]}}}]}""",
                ContentType = "application/json",
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "HTTPRoute (");
            Expect.Finding(outcome, "LLMD0003", "reason", "my-first-model/odd-route");
            Expect.Skipped(outcome, "route.Accepted", "unavailable");
            Expect.NoCrash(outcome);
        }),

        new(Area, "a Pod list item that claims to be a Gateway", "refuses the page (an item of another kind would enter the inventory unlisted): Pods unavailable, the forged Gateway is not checked", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, PodListWith("""{"kind":"Gateway","apiVersion":"gateway.networking.k8s.io/v1","metadata":{"name":"forged-gw","namespace":"openshift-ingress"},"spec":{"gatewayClassName":"x"}}"""));
            var outcome = await lab.CheckAsync();
            OnlyPodsUnavailable(outcome, "claims to be kind Gateway");
            Assert.DoesNotContain(outcome.Report.Findings, f => f.Subject.Name == "forged-gw");
        }),

        new(Area, "200 with a Status body instead of a List (a proxy)", "does not take it for an empty list: Pods unavailable, naming the Status message", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AnswerPods(lab, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"upstream connect error or disconnect/reset before headers"}""");
            OnlyPodsUnavailable(await lab.CheckAsync(), "a Status, not a List: upstream connect error");
        }),

        new(Area, "a Gateway with a duplicate key", "reports Gateways as unavailable; the gateway checks are skipped, not passed", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/apis/gateway.networking.k8s.io/v1/gateways", 200, "", "")
            {
                RawBody = """{"kind":"GatewayList","metadata":{},"items":[{"metadata":{"name":"g","namespace":"openshift-ingress"},"spec":{"gatewayClassName":"a","gatewayClassName":"b"}}]}""",
                ContentType = "application/json",
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "Gateway (");
            Expect.Finding(outcome, "LLMD0003", "reason", "Duplicate");
            Expect.Skipped(outcome, "gateway.Ready", "unavailable");
            Expect.NoCrash(outcome);
        }),

        new(Area, "an InferencePool whose targetPorts is a string", "reports InferencePools as unavailable naming the pool; the pool checks are skipped", "LLMD0003", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.Failures.Add(new ScriptedFailure("/apis/inference.networking.k8s.io/v1/inferencepools", 200, "", "")
            {
                RawBody = """{"kind":"InferencePoolList","metadata":{},"items":[{"metadata":{"name":"odd-pool","namespace":"my-first-model"},"spec":{"targetPorts":"8000","selector":{"matchLabels":{"app":"x"}}}}]}""",
                ContentType = "application/json",
            });
            var outcome = await lab.CheckAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "InferencePool (");
            Expect.Finding(outcome, "LLMD0003", "reason", "my-first-model/odd-pool");
            Expect.Skipped(outcome, "pool.ReadyEndpoints", "unavailable");
            Expect.NoCrash(outcome);
        }),

        new(Area, "none (control: 1,200 more Pods over three 500-item pages)", "follows the continue tokens and reads every Pod: nothing reported", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var template = HealthyCluster.Objects.First(o => (string?)o["kind"] == "Pod");
            foreach (var i in Enumerable.Range(0, 1200))
            {
                var pod = template.DeepClone().AsObject();
                pod["metadata"]!["namespace"] = "load";
                pod["metadata"]!["name"] = $"load-{i:D4}";
                pod["metadata"]!["labels"] = new JsonObject { ["app"] = "load" };
                lab.Api.Add(pod);
            }

            var outcome = await lab.CheckAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Assert.Equal(3, lab.ApiFaults.RequestsTo("/api/v1/pods"));
        }),

        new(Area, "a watch event with a duplicate key", "the watch client ends with an error naming the watch URL and the line, not an exception from deep inside", "exception: KubeUnavailable", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.ApiFaults.WatchSessions.Writer.TryWrite(["""{"type":"ADDED","object":{"metadata":{"name":"a","name":"b"}}}"""]);
            using var client = new KubeClient(new KubeConnection { Server = lab.ApiUrl });
            var error = await Assert.ThrowsAsync<KubeUnavailableException>(async () =>
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await foreach (var _ in client.WatchAsync(KubeResource.Pods, cancellationToken: cts.Token))
                {
                }
            });
            Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("Duplicate", error.Message, StringComparison.Ordinal);
        }),
    ];
}
