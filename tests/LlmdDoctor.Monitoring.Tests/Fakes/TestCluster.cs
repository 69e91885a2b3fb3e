using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Monitoring.Collection;

namespace LlmdDoctor.Monitoring.Tests.Fakes;

/// <summary>Kubernetes objects for the collector tests, as JSON for <see cref="ClusterSnapshotBuilder"/>, and a one-call run of the monitoring checks.</summary>
public static class TestCluster
{
    public static string VllmPod(string ns, string pod = "qwen-kserve-0") => Pod(ns, pod, "llminferenceservice-workload", 8000, "https");

    public static string EppPod(string ns, string pod = "qwen-epp-0") => Pod(ns, pod, "llminferenceservice-router-scheduler", 9090, "metrics");

    private static string Pod(string ns, string pod, string component, int port, string portName) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{pod}}}","namespace":"{{{ns}}}","labels":{
          "app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"{{{component}}}"}},
         "spec":{"nodeName":"node-1","containers":[{"name":"main","ports":[{"name":"{{{portName}}}","containerPort":{{{port}}}}]}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}
        """;

    /// <summary>A PodMonitor covering every llminferenceservice pod of the namespace on its declared port, optionally with KServe's rename.</summary>
    public static string PodMonitor(string ns, bool rename, string name = "kserve-llm-isvc-vllm-engine") => $$$"""
        {"apiVersion":"monitoring.coreos.com/v1","kind":"PodMonitor","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
         "spec":{"selector":{"matchLabels":{"app.kubernetes.io/part-of":"llminferenceservice"}},
                 "podMetricsEndpoints":[{"portNumber":8000{{{(rename ? ",\"metricRelabelings\":[{\"sourceLabels\":[\"__name__\"],\"targetLabel\":\"__name__\",\"replacement\":\"kserve_$1\"}]" : "")}}} },
                                        {"port":"metrics"{{{(rename ? ",\"metricRelabelings\":[{\"sourceLabels\":[\"__name__\"],\"targetLabel\":\"__name__\",\"replacement\":\"kserve_$1\"}]" : "")}}} }]}}
        """;

    public static string Dashboard(string name, string expr)
    {
        var model = new JsonObject
        {
            ["title"] = name,
            ["panels"] = new JsonArray(new JsonObject
            {
                ["title"] = "Running requests",
                ["targets"] = new JsonArray(new JsonObject { ["expr"] = expr }),
            }),
        };
        var dashboard = new JsonObject
        {
            ["apiVersion"] = "grafana.integreatly.org/v1beta1",
            ["kind"] = "GrafanaDashboard",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "llm-d-monitoring" },
            ["spec"] = new JsonObject { ["json"] = model.ToJsonString() },
        };
        return dashboard.ToJsonString();
    }

    public static string Rule(string ns, string name, string group, string alert, string expr) => $$$"""
        {"apiVersion":"monitoring.coreos.com/v1","kind":"PrometheusRule","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
         "spec":{"groups":[{"name":"{{{group}}}","rules":[{"alert":"{{{alert}}}","expr":{{{JsonValue.Create(expr).ToJsonString()}}} }]}]}}
        """;

    /// <summary>The Grafana CR the operator applies dashboards and datasources to (ready, labelled for their instanceSelector).</summary>
    public static string GrafanaInstance() => """
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"Grafana","metadata":{"name":"llm-d-grafana","namespace":"llm-d-monitoring","labels":{"dashboards":"llm-d-grafana"}},
         "spec":{},"status":{"stage":"complete","stageStatus":"success"}}
        """;

    public static string GrafanaDatasource(string uid) => $$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaDatasource","metadata":{"name":"ds-{{{uid}}}","namespace":"llm-d-monitoring"},
         "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},"datasource":{"uid":"{{{uid}}}","type":"prometheus","url":"https://thanos-querier.openshift-monitoring.svc:9091"}} }
        """;

    /// <summary>A model namespace with vLLM and EPP pods and a PodMonitor covering both.</summary>
    public static List<string> Model(string ns, bool rename = true) => [VllmPod(ns), EppPod(ns), PodMonitor(ns, rename)];

    public static ClusterSnapshot Build(IEnumerable<string> objects)
    {
        var builder = new ClusterSnapshotBuilder();
        foreach (var json in objects)
        {
            builder.Add(JsonNode.Parse(json), "test");
        }

        var snapshot = builder.Build();
        Assert.Empty(snapshot.Problems);
        return snapshot;
    }

    /// <summary>Collects with <paramref name="settings"/> and runs every monitoring check, as the agent would.</summary>
    public static async Task<CheckRun> RunAsync(IEnumerable<string> objects, MonitoringSettings settings)
    {
        var snapshot = Build(objects);
        var collection = await new MonitoringCollector(settings).CollectAsync(snapshot);
        var states = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("test"));
        foreach (var (input, state) in collection.States)
        {
            states[input] = state;
        }

        var inputs = new DoctorInputs { Cluster = snapshot, Monitoring = collection.Facts, States = states };
        return await new CheckRunner(TimeSpan.FromSeconds(30)).RunAsync(MonitoringChecks.All, inputs);
    }

    public static string Describe(CheckRun run) =>
        string.Join(" | ", run.Findings.Select(f => $"{f.Code} {f.Message}")) + " || skipped: " + string.Join(" | ", run.Skipped.Select(s => $"{s.Check}: {s.Reason}"));
}
