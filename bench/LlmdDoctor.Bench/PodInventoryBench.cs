using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Bench;

/// <summary>
/// The inventory at 50,000 Pods: the simulated API server (its own process, <c>simulate --pods N</c>) holds N
/// ordinary Pods of a realistic size next to the scenario's objects and pages them as kube-apiserver does
/// (<c>limit=500</c>, <c>continue</c>); <c>pod-inventory</c> is one doctor inventory read, in its own process, exactly
/// as a <c>check</c> or an agent cycle does it (<see cref="LiveInventoryCollector"/>, then the request-flow map).
/// </summary>
public static class PodInventoryBench
{
    /// <summary>
    /// One ordinary workload Pod as a 1.33 API server returns it (~4 KB of JSON): labels, the CNI network-status and
    /// SCC annotations, managedFields of the controller and the kubelet, two containers with env, args, probes,
    /// resources and mounts, and a status with conditions and container statuses. Pods in 500 namespaces, none
    /// selected by an InferencePool.
    /// </summary>
    public static JsonObject Pod(int i)
    {
        var ns = $"load-{i % 500:D3}";
        var app = $"web-{i % 97:D2}";
        var hash = (i * 2654435761u).ToString("x8", CultureInfo.InvariantCulture)[..8];
        var name = $"{app}-{hash}-{i:D5}";
        var ip = $"10.{128 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}";
        var time = "2026-11-30T08:15:42Z";
        JsonObject Container(string cname, string image, int port) => new()
        {
            ["name"] = cname,
            ["image"] = image,
            ["args"] = new JsonArray("--port", port.ToString(CultureInfo.InvariantCulture), "--log-level=info", "--metrics-addr=:9090"),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port, ["protocol"] = "TCP" }),
            ["env"] = new JsonArray(
                new JsonObject { ["name"] = "POD_NAME", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.name" } } },
                new JsonObject { ["name"] = "LOG_FORMAT", ["value"] = "json" },
                new JsonObject { ["name"] = "UPSTREAM_URL", ["value"] = $"http://{app}-backend.{ns}.svc.cluster.local:8080" }),
            ["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
                ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "512Mi" },
            },
            ["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = port, ["scheme"] = "HTTP" }, ["periodSeconds"] = 10, ["timeoutSeconds"] = 1, ["successThreshold"] = 1, ["failureThreshold"] = 3 },
            ["livenessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = port, ["scheme"] = "HTTP" }, ["periodSeconds"] = 10, ["timeoutSeconds"] = 1, ["successThreshold"] = 1, ["failureThreshold"] = 3 },
            ["volumeMounts"] = new JsonArray(
                new JsonObject { ["name"] = "config", ["mountPath"] = "/etc/app" },
                new JsonObject { ["name"] = "kube-api-access-x7k2p", ["readOnly"] = true, ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount" }),
            ["terminationMessagePath"] = "/dev/termination-log",
            ["terminationMessagePolicy"] = "File",
            ["imagePullPolicy"] = "IfNotPresent",
            ["securityContext"] = new JsonObject { ["allowPrivilegeEscalation"] = false, ["runAsNonRoot"] = true, ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") } },
        };
        JsonObject Status(string cname, string image) => new()
        {
            ["name"] = cname,
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = time } },
            ["lastState"] = new JsonObject(),
            ["ready"] = true,
            ["restartCount"] = 0,
            ["image"] = image,
            ["imageID"] = $"{image.Split(':')[0]}@sha256:{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}",
            ["containerID"] = $"cri-o://{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}",
            ["started"] = true,
        };
        JsonObject Condition(string type) => new() { ["type"] = type, ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = time };
        var image = $"quay.io/example/{app}:1.{i % 7}.3";
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["generateName"] = $"{app}-{hash}-",
                ["namespace"] = ns,
                ["uid"] = $"{hash}-1f0e-4c1b-9a7d-{i:D12}",
                ["creationTimestamp"] = time,
                ["labels"] = new JsonObject { ["app"] = app, ["app.kubernetes.io/name"] = app, ["app.kubernetes.io/part-of"] = "load", ["pod-template-hash"] = hash, ["tier"] = (i % 3 == 0 ? "frontend" : "backend") },
                ["annotations"] = new JsonObject
                {
                    ["k8s.ovn.org/pod-networks"] = $"{{\"default\":{{\"ip_addresses\":[\"{ip}/23\"],\"mac_address\":\"0a:58:0a:80:02:{i % 256:x2}\",\"gateway_ips\":[\"10.128.2.1\"],\"role\":\"primary\"}}}}",
                    ["k8s.v1.cni.cncf.io/network-status"] = $"[{{\"name\":\"ovn-kubernetes\",\"interface\":\"eth0\",\"ips\":[\"{ip}\"],\"mac\":\"0a:58:0a:80:02:{i % 256:x2}\",\"default\":true,\"dns\":{{}}}}]",
                    ["openshift.io/scc"] = "restricted-v2",
                    ["seccomp.security.alpha.kubernetes.io/pod"] = "runtime/default",
                },
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"{app}-{hash}", ["uid"] = $"{hash}-aaaa-4bbb-8ccc-{i % 97:D12}", ["controller"] = true, ["blockOwnerDeletion"] = true }),
                ["managedFields"] = new JsonArray(
                    new JsonObject
                    {
                        ["manager"] = "kube-controller-manager", ["operation"] = "Update", ["apiVersion"] = "v1", ["time"] = time, ["fieldsType"] = "FieldsV1",
                        ["fieldsV1"] = JsonNode.Parse("""{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:app.kubernetes.io/name":{},"f:app.kubernetes.io/part-of":{},"f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"x\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:args":{},"f:env":{".":{},"k:{\"name\":\"LOG_FORMAT\"}":{".":{},"f:name":{},"f:value":{}},"k:{\"name\":\"POD_NAME\"}":{".":{},"f:name":{},"f:valueFrom":{".":{},"f:fieldRef":{}}}},"f:image":{},"f:imagePullPolicy":{},"f:livenessProbe":{".":{},"f:failureThreshold":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}}},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:readinessProbe":{".":{},"f:httpGet":{".":{},"f:path":{},"f:port":{},"f:scheme":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{},"f:volumes":{".":{},"k:{\"name\":\"config\"}":{".":{},"f:configMap":{".":{},"f:name":{}},"f:name":{}}}}}"""),
                    },
                    new JsonObject
                    {
                        ["manager"] = "kubelet", ["operation"] = "Update", ["apiVersion"] = "v1", ["time"] = time, ["fieldsType"] = "FieldsV1", ["subresource"] = "status",
                        ["fieldsV1"] = JsonNode.Parse("""{"f:status":{"f:conditions":{"k:{\"type\":\"ContainersReady\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Initialized\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.128.2.9\"}":{".":{},"f:ip":{}}},"f:startTime":{}}}"""),
                    }),
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(Container("app", image, 8080), Container("proxy", "registry.example.com/envoy-sidecar:1.33.2", 15001)),
                ["volumes"] = new JsonArray(
                    new JsonObject { ["name"] = "config", ["configMap"] = new JsonObject { ["name"] = $"{app}-config", ["defaultMode"] = 420 } },
                    new JsonObject { ["name"] = "kube-api-access-x7k2p", ["projected"] = new JsonObject { ["defaultMode"] = 420, ["sources"] = new JsonArray(new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } }) } }),
                ["restartPolicy"] = "Always",
                ["terminationGracePeriodSeconds"] = 30,
                ["dnsPolicy"] = "ClusterFirst",
                ["serviceAccountName"] = "default",
                ["serviceAccount"] = "default",
                ["nodeName"] = $"worker-{i % 120:D3}.cluster.example.com",
                ["securityContext"] = new JsonObject { ["seLinuxOptions"] = new JsonObject { ["level"] = "s0:c27,c4" }, ["fsGroup"] = 1000720000, ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" } },
                ["schedulerName"] = "default-scheduler",
                ["tolerations"] = new JsonArray(
                    new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
                    new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 }),
                ["priority"] = 0,
                ["enableServiceLinks"] = true,
                ["preemptionPolicy"] = "PreemptLowerPriority",
            },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["conditions"] = new JsonArray(Condition("PodReadyToStartContainers"), Condition("Initialized"), Condition("Ready"), Condition("ContainersReady"), Condition("PodScheduled")),
                ["hostIP"] = $"10.0.{i % 120}.10",
                ["podIP"] = ip,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                ["startTime"] = time,
                ["containerStatuses"] = new JsonArray(Status("app", image), Status("proxy", "registry.example.com/envoy-sidecar:1.33.2")),
                ["qosClass"] = "Burstable",
            },
        };
    }

    /// <summary>
    /// <c>pod-inventory --connection FILE [--keep-objects] --out FILE</c>: one inventory read against the simulator,
    /// as a cycle does it; writes pods read, inputs, wall and CPU time, the peak RSS (VmHWM) of this process and the GC
    /// heap hard limit when <c>DOTNET_GCHeapHardLimit</c> sets one. A read that exceeds that limit is written as
    /// <c>completed: false</c> with the OutOfMemoryException, and the exit code is 1.
    /// <c>--keep-objects</c> also keeps every raw object, as <c>collect</c> does (and as every cycle did before the
    /// typed projections).
    /// </summary>
    public static async Task<int> RunAsync(Args args)
    {
        var connection = await SimulatorBench.WaitForConnectionAsync(args.Str("connection"), TimeSpan.FromMinutes(10));
        var kubeconfig = (string)connection["kubeconfig"]!;
        var kube = Kubeconfig.Parse(File.ReadAllText(kubeconfig), kubeconfig).Connection(null);
        var keep = args.Str("keep-objects", "false") == "true";
        var cpu = Proc.CpuSeconds(Proc.Self);
        var watch = Stopwatch.StartNew();
        JsonObject result;
        try
        {
            using var client = new KubeClient(kube);
            var inventory = await new LiveInventoryCollector(client, new LiveInventoryOptions { KeepObjects = keep }).CollectAsync();
            var flows = RequestFlowMap.Build(inventory.Snapshot);
            watch.Stop();
            result = new JsonObject
            {
                ["completed"] = true,
                ["pods_listed"] = inventory.Kinds.Single(k => k.Kind.Api.Kind == "Pod").Count,
                ["pods_in_snapshot"] = inventory.Snapshot.Pods.Count,
                ["pods_state"] = inventory.Inputs[Core.Checks.CheckInput.Pods].Status.ToString(),
                ["objects_kept"] = inventory.Objects.Count,
                ["flows"] = flows.Count,
            };
            Measure(result, watch, cpu);
            GC.KeepAlive(inventory);
        }
        catch (OutOfMemoryException ex)
        {
            // The GC heap hard limit (what a 512Mi container gets) was reached: the read does not fit.
            watch.Stop();
            result = new JsonObject { ["completed"] = false, ["error"] = $"{ex.GetType().Name}: {ex.Message}" };
            Measure(result, watch, cpu);
        }

        result["mode"] = keep ? "raw objects kept" : "typed projections";
        result["extra_pods"] = connection["extra_pods"]?.DeepClone();
        result["gc_heap_hard_limit_mib"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes is var limit && Environment.GetEnvironmentVariable("DOTNET_GCHeapHardLimit") is { Length: > 0 }
            ? Math.Round(limit / 1048576.0, 1) : null;
        File.WriteAllText(args.Str("out"), result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.Error.WriteLine(result.ToJsonString());
        return (bool)result["completed"]! ? 0 : 1;
    }

    private static void Measure(JsonObject result, Stopwatch watch, double cpuBefore)
    {
        result["wall_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2);
        result["cpu_seconds"] = Math.Round(Proc.CpuSeconds(Proc.Self) - cpuBefore, 2);
        result["peak_rss_mib"] = Math.Round(Proc.StatusBytes(Proc.Self, "VmHWM") / 1048576.0, 1);
        result["rss_after_gc_mib"] = RssAfterCollection();
        result["managed_heap_mib"] = Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1);
    }

    private static double RssAfterCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return Math.Round(Proc.StatusBytes(Proc.Self, "VmRSS") / 1048576.0, 1);
    }
}
