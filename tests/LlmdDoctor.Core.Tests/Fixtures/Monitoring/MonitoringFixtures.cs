using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Tests.Fixtures.Monitoring;

/// <summary>
/// Small Kubernetes objects of a KServe model (vLLM + EPP) in <c>my-first-model</c>, with its KServe monitors, as
/// JSON strings for <see cref="ClusterSnapshotBuilder"/>. Cases start from <see cref="Healthy"/> and change one thing.
/// </summary>
public static class MonitoringFixtures
{
    public const string ModelNs = "my-first-model";

    public static string Namespace(string name, string labels = "{}") =>
        $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}","labels":{{{labels}}}}}""";

    public static string ClusterMonitoringConfig(string configYaml) =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cluster-monitoring-config","namespace":"openshift-monitoring"},"data":{"config.yaml":{{{JsonValue.Create(configYaml).ToJsonString()}}}}}""";

    public static string VllmPod(string name = "qwen-kserve-0", string node = "gpu-node-1", string ports = """[{"name":"https","containerPort":8000}]""", bool gpu = false,
        string component = "llminferenceservice-workload", string extraLabels = "")
    {
        var limits = gpu ? """{"nvidia.com/gpu":"1"}""" : "{}";
        return $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ModelNs}}}","labels":{
          "app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"{{{component}}}"{{{extraLabels}}}}},
         "spec":{"nodeName":"{{{node}}}","containers":[{"name":"main","ports":{{{ports}}},"resources":{"limits":{{{limits}}}}}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}
        """;
    }

    public static string EppPod(string name = "qwen-epp-0") =>
        $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ModelNs}}}","labels":{
          "app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"llminferenceservice-router-scheduler"}},
         "spec":{"containers":[{"name":"main","ports":[{"name":"grpc","containerPort":9002},{"name":"metrics","containerPort":9090}]}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}
        """;

    /// <summary>A Deployment as applied (no status, no pods yet) whose template makes <see cref="VllmPod"/>'s pods.</summary>
    public static string VllmDeployment(int replicas = 1, string component = "llminferenceservice-workload") =>
        $$$"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"qwen-kserve","namespace":"{{{ModelNs}}}"},
         "spec":{"replicas":{{{replicas}}},"selector":{"matchLabels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/component":"{{{component}}}"}},
          "template":{"metadata":{"labels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"{{{component}}}"}},
           "spec":{"containers":[{"name":"main","ports":[{"name":"https","containerPort":8000}]}]}} }}
        """;

    /// <summary>A StatefulSet as applied (no pods yet) whose template makes <see cref="VllmPod"/>'s pods.</summary>
    public static string VllmStatefulSet(int replicas = 1) =>
        $$$"""
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"qwen-kserve-sts","namespace":"{{{ModelNs}}}"},
         "spec":{"replicas":{{{replicas}}},"selector":{"matchLabels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/component":"llminferenceservice-workload"}},
          "template":{"metadata":{"labels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"llminferenceservice-workload"}},
           "spec":{"containers":[{"name":"main","ports":[{"name":"https","containerPort":8000}]}]}} }}
        """;

    /// <summary>
    /// A multi-node LeaderWorkerSet as applied: a leader template serving on 8000 and a worker template without
    /// the serving port (workers join the leader's vLLM over Ray; only the leader answers HTTP).
    /// </summary>
    public static string VllmLeaderWorkerSet(int size = 2, bool leaderTemplate = true) =>
        $$$"""
        {"apiVersion":"leaderworkerset.x-k8s.io/v1","kind":"LeaderWorkerSet","metadata":{"name":"qwen-kserve-mn","namespace":"{{{ModelNs}}}"},
         "spec":{"replicas":1,"leaderWorkerTemplate":{"size":{{{size}}},
          {{{(leaderTemplate ? "\"leaderTemplate\":{\"metadata\":{\"labels\":{\"app.kubernetes.io/name\":\"qwen\",\"app.kubernetes.io/part-of\":\"llminferenceservice\",\"app.kubernetes.io/component\":\"llminferenceservice-workload-leader\"}},\"spec\":{\"containers\":[{\"name\":\"main\",\"ports\":[{\"name\":\"https\",\"containerPort\":8000}]}]}}," : "")}}}
          "workerTemplate":{"metadata":{"labels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"llminferenceservice-workload-worker"}},
           "spec":{"containers":[{"name":"main","ports":[{"name":"https","containerPort":8000}]}]}} }} }
        """;

    /// <summary>A Deployment as applied whose template makes <see cref="EppPod"/>'s pods.</summary>
    public static string EppDeployment() =>
        $$$"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"qwen-epp","namespace":"{{{ModelNs}}}"},
         "spec":{"selector":{"matchLabels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/component":"llminferenceservice-router-scheduler"}},
          "template":{"metadata":{"labels":{"app.kubernetes.io/name":"qwen","app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"llminferenceservice-router-scheduler"}},
           "spec":{"containers":[{"name":"main","ports":[{"name":"grpc","containerPort":9002},{"name":"metrics","containerPort":9090}]}]}} }}
        """;

    public static string EppService(string labels = """{"app.kubernetes.io/part-of":"llminferenceservice","app.kubernetes.io/component":"llminferenceservice-router-scheduler"}""") =>
        $$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"qwen-epp-service","namespace":"{{{ModelNs}}}","labels":{{{labels}}}},
         "spec":{"selector":{"app.kubernetes.io/component":"llminferenceservice-router-scheduler","app.kubernetes.io/name":"qwen"},
                 "ports":[{"name":"grpc","port":9002,"targetPort":9002},{"name":"metrics","port":9090,"targetPort":"metrics"}]}}
        """;

    public const string KServeRename = """[{"sourceLabels":["__name__"],"action":"replace","replacement":"kserve_$1","targetLabel":"__name__"}]""";

    public static string VllmPodMonitor(string name = "kserve-llm-isvc-vllm-engine", string ns = ModelNs, string endpoint = """{"targetPort":8000,"scheme":"https"}""",
        string selector = """{"matchLabels":{"app.kubernetes.io/part-of":"llminferenceservice"},"matchExpressions":[{"key":"app.kubernetes.io/component","operator":"In","values":["llminferenceservice-workload","llminferenceservice-workload-prefill"]}]}""",
        string namespaceSelector = "null", string labels = "{}", bool rename = true)
    {
        var ep = JsonNode.Parse(endpoint)!.AsObject();
        if (rename)
        {
            ep["metricRelabelings"] = JsonNode.Parse(KServeRename);
        }

        return $$$"""
            {"apiVersion":"monitoring.coreos.com/v1","kind":"PodMonitor","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},
             "spec":{"selector":{{{selector}}},"namespaceSelector":{{{namespaceSelector}}},"podMetricsEndpoints":[{{{ep.ToJsonString()}}}]}}
            """;
    }

    public static string EppServiceMonitor(string name = "kserve-llm-isvc-scheduler", string port = "metrics", string labels = "{}", bool rename = true,
        string selector = """{"matchLabels":{"app.kubernetes.io/component":"llminferenceservice-router-scheduler","app.kubernetes.io/part-of":"llminferenceservice"}}""",
        string endpointExtra = "") =>
        $$$"""
        {"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"{{{name}}}","namespace":"{{{ModelNs}}}","labels":{{{labels}}}},
         "spec":{"selector":{{{selector}}},"endpoints":[{"port":"{{{port}}}","scheme":"https"{{{endpointExtra}}}{{{(rename ? ",\"metricRelabelings\":" + KServeRename : "")}}}}]}}
        """;

    public static string PrometheusServer(string smNamespaceSelector = "{}", string smSelector = "{}", string pmNamespaceSelector = "{}", string pmSelector = "{}",
        string ruleSelector = "{}", string ruleNamespaceSelector = "{}", bool ignoreNamespaceSelectors = false) =>
        $$$"""
        {"apiVersion":"monitoring.coreos.com/v1","kind":"Prometheus","metadata":{"name":"kps","namespace":"llm-d-monitoring"},
         "spec":{"ignoreNamespaceSelectors":{{{(ignoreNamespaceSelectors ? "true" : "false")}}},"serviceMonitorNamespaceSelector":{{{smNamespaceSelector}}},"serviceMonitorSelector":{{{smSelector}}},
                 "podMonitorNamespaceSelector":{{{pmNamespaceSelector}}},"podMonitorSelector":{{{pmSelector}}},
                 "ruleSelector":{{{ruleSelector}}},"ruleNamespaceSelector":{{{ruleNamespaceSelector}}}}}
        """;

    public static string Rule(string name, string ns, string group, string expr, string alert = "VllmQueueHigh", string labels = "{}") =>
        $$$"""
        {"apiVersion":"monitoring.coreos.com/v1","kind":"PrometheusRule","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},
         "spec":{"groups":[{"name":"{{{group}}}","rules":[{"alert":"{{{alert}}}","expr":{{{JsonValue.Create(expr).ToJsonString()}}}}]}]}}
        """;

    public static string Dashboard(string name, params string[] exprs)
    {
        var panels = new JsonArray([.. exprs.Select((e, i) => (JsonNode)new JsonObject
        {
            ["title"] = $"panel {i}",
            ["targets"] = new JsonArray(new JsonObject { ["expr"] = e }),
        })]);
        var model = new JsonObject { ["title"] = name, ["panels"] = panels };
        return $$$"""
            {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaDashboard","metadata":{"name":"{{{name}}}","namespace":"llm-d-monitoring"},
             "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},"json":{{{JsonValue.Create(model.ToJsonString()).ToJsonString()}}}}}
            """;
    }

    public static string GrafanaInstance(string name = "llm-d-grafana", string ns = "llm-d-monitoring", string labels = """{"dashboards":"llm-d-grafana"}""",
        string status = """{"stage":"complete","stageStatus":"success"}""") =>
        $$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"Grafana","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},
         "spec":{},"status":{{{status}}}}
        """;

    public static string Secret(string name, string ns, string type = "Opaque") =>
        $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"type":"{{{type}}}"}""";

    public static string DatasourceWithSecret(string secret) =>
        $$$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaDatasource","metadata":{"name":"thanos-querier","namespace":"llm-d-monitoring"},
         "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},"datasource":{"uid":"prometheus","url":"https://thanos-querier.openshift-monitoring.svc:9091",
                 "secureJsonData":{"httpHeaderValue1":"Bearer ${token}"}},
                 "valuesFrom":[{"targetPath":"secureJsonData.httpHeaderValue1","valueFrom":{"secretKeyRef":{"name":"{{{{secret}}}}","key":"token"}}}]}}
        """;

    /// <summary>A GrafanaDatasource with the given <c>secureJsonData</c> and <c>valuesFrom</c> (JSON), its token Secret named grafana-thanos-token.</summary>
    public static string DatasourceWithSecureFields(string secureJsonData, string valuesFrom, string url = "https://thanos-querier.openshift-monitoring.svc:9091") =>
        $$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaDatasource","metadata":{"name":"thanos-querier","namespace":"llm-d-monitoring"},
         "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},"datasource":{"uid":"prometheus","url":"{{{url}}}",
                 "secureJsonData":{{{secureJsonData}}}},"valuesFrom":{{{valuesFrom}}}}}
        """;

    /// <summary>The opendatahub-operator's Monitoring singleton; <paramref name="metrics"/> false leaves <c>spec.metrics</c> unset.</summary>
    public static string OpenDataHubMonitoring(bool metrics = true) =>
        $$$"""
        {"apiVersion":"services.platform.opendatahub.io/v1alpha1","kind":"Monitoring","metadata":{"name":"default-monitoring"},
         "spec":{"namespace":"redhat-ods-monitoring"{{{(metrics ? ",\"metrics\":{\"replicas\":1,\"storage\":{\"size\":\"5Gi\",\"retention\":\"90d\"}}" : "")}}}}}
        """;

    public static string ConfigMap(string name, string ns, string data = "{}") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"data":{{{data}}}}""";

    public static string Service(string name, string ns) =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},"spec":{"ports":[{"name":"web","port":9091}]}}""";

    /// <summary>A GrafanaDashboard whose model comes from <c>spec.configMapRef</c> (or <c>spec.url</c>) instead of <c>spec.json</c>.</summary>
    public static string DashboardFrom(string source, string status = "{}") =>
        $$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"GrafanaDashboard","metadata":{"name":"vllm","namespace":"llm-d-monitoring"},
         "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},{{{source}}}},"status":{{{status}}}}
        """;

    public static string GrafanaObject(string kind, string name, string status, bool crossNamespace = false) =>
        $$$"""
        {"apiVersion":"grafana.integreatly.org/v1beta1","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}","namespace":"llm-d-monitoring"},
         "spec":{"instanceSelector":{"matchLabels":{"dashboards":"llm-d-grafana"}},"allowCrossNamespaceImport":{{{(crossNamespace ? "true" : "false")}}},"datasource":{"uid":"prometheus","url":"https://thanos-querier.openshift-monitoring.svc:9091"}},
         "status":{{{status}}}}
        """;

    /// <summary>An OpenShift cluster with UWM on and a KServe model whose monitors reach both vLLM and EPP.</summary>
    public static List<string> Healthy() =>
    [
        Namespace("openshift-monitoring"),
        ClusterMonitoringConfig("enableUserWorkload: true\n"),
        Namespace(ModelNs),
        VllmPod(),
        EppPod(),
        EppService(),
        VllmPodMonitor(),
        EppServiceMonitor(),
    ];

    public static ClusterSnapshot Build(IEnumerable<string> objects)
    {
        var builder = new ClusterSnapshotBuilder();
        foreach (var json in objects)
        {
            builder.Add(JsonNode.Parse(json), "fixture");
        }

        var snapshot = builder.Build();
        Assert.Empty(snapshot.Problems);
        return snapshot;
    }

    public static PromSample Sample(double value, params (string Key, string Value)[] labels) =>
        new(labels.ToDictionary(l => l.Key, l => l.Value), value);

    /// <summary>Prometheus facts of the healthy model: both targets up, kserve_-prefixed series for both pods.</summary>
    public static PrometheusFacts HealthyPrometheus() => new()
    {
        Source = "Thanos Querier https://thanos-querier.openshift-monitoring.svc:9091",
        Namespaces = [ModelNs],
        Up =
        [
            Sample(1, ("job", "my-first-model/kserve-llm-isvc-vllm-engine"), ("namespace", ModelNs), ("pod", "qwen-kserve-0"), ("instance", "10.0.0.5:8000")),
            Sample(1, ("job", "qwen-epp-service"), ("namespace", ModelNs), ("pod", "qwen-epp-0"), ("instance", "10.0.0.6:9090")),
        ],
        WorkloadSeries =
        [
            Sample(3, ("__name__", "kserve_vllm:num_requests_running"), ("namespace", ModelNs), ("pod", "qwen-kserve-0")),
            Sample(1, ("__name__", "kserve_inference_pool_ready_pods"), ("namespace", ModelNs), ("pod", "qwen-epp-0")),
        ],
        GpuSeries = [Sample(1, ("Hostname", "gpu-node-1"))],
        Rules = new RulesFact("Thanos Querier", []),
    };

    /// <summary>Inputs with every input Available unless <paramref name="states"/> says otherwise.</summary>
    public static DoctorInputs Inputs(ClusterSnapshot snapshot, MonitoringFacts facts, params (CheckInput Input, InputState State)[] states)
    {
        var map = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("fixture"));
        foreach (var (input, state) in states)
        {
            map[input] = state;
        }

        return new DoctorInputs { Cluster = snapshot, Monitoring = facts, States = map };
    }

    public static MonitoringFacts Facts(PrometheusFacts? prometheus = null, bool uwm = true) => new()
    {
        ClusterMonitoringConfig = new ClusterMonitoringConfigFact(true, uwm, uwm ? "true" : "false", ""),
        Prometheus = prometheus ?? HealthyPrometheus(),
    };
}
