using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Checks.Monitoring;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;
using static LlmdDoctor.Core.Tests.Fixtures.Monitoring.MonitoringFixtures;

namespace LlmdDoctor.Core.Tests.Monitoring;

/// <summary>One case: a check, its inputs, and the code it must report (null: must report nothing) with a telling piece of evidence.</summary>
public sealed record MonitoringCase(string Name, ICheck Check, Func<DoctorInputs> Inputs, string? Code, string Evidence = "")
{
    public override string ToString() => Name;
}

public sealed class MonitoringCheckTests
{
    private static MonitoringCase Fires(string name, ICheck check, Func<DoctorInputs> inputs, string code, string evidence) => new(name, check, inputs, code, evidence);

    private static MonitoringCase Silent(string name, ICheck check, Func<DoctorInputs> inputs) => new(name, check, inputs, null);

    private static DoctorInputs Cluster(IEnumerable<string> objects, MonitoringFacts? facts = null, params (CheckInput, InputState)[] states) =>
        Inputs(Build(objects), facts ?? Facts(), states);

    private static List<string> With(params string[] extra) => [.. Healthy(), .. extra];

    private static List<string> Without(string contains, params string[] extra) =>
        [.. Healthy().Where(o => !o.Contains(contains, StringComparison.Ordinal)), .. extra];

    /// <summary>The healthy cluster as applied manifests: Deployments instead of Pods, plus <paramref name="extra"/>, minus objects containing <paramref name="drop"/>.</summary>
    private static List<string> Manifests(string? drop = null, params string[] extra) =>
        [.. Healthy().Where(o => !o.Contains("\"kind\":\"Pod\"", StringComparison.Ordinal) && (drop is null || !o.Contains(drop, StringComparison.Ordinal))),
            VllmDeployment(), EppDeployment(), .. extra];

    /// <summary>The healthy cluster as applied manifests whose vLLM pods come from <paramref name="vllmWorkload"/> (a StatefulSet or LeaderWorkerSet).</summary>
    private static List<string> ManifestsOf(string vllmWorkload, string? drop = null, params string[] extra) =>
        [.. Manifests(drop, extra).Where(o => !o.Contains("\"name\":\"qwen-kserve\"", StringComparison.Ordinal)), vllmWorkload];

    private const string LwsPodMonitorSelector =
        """{"matchLabels":{"app.kubernetes.io/part-of":"llminferenceservice"},"matchExpressions":[{"key":"app.kubernetes.io/component","operator":"In","values":["llminferenceservice-workload-leader","llminferenceservice-workload-worker"]}]}""";

    private static List<string> PlainKubernetes(params string[] extra) =>
        [.. Healthy().Where(o => !o.Contains("openshift-monitoring", StringComparison.Ordinal)), Namespace("llm-d-monitoring"), .. extra];

    public static TheoryData<MonitoringCase> Cases()
    {
        var uwm = new UserWorkloadMonitoringDisabledCheck();
        var ns = new NamespaceNotMonitoredCheck();
        var missing = new MonitorMissingCheck();
        var nothing = new MonitorSelectsNothingCheck();
        var down = new ScrapeTargetsDownCheck();
        var absent = new MetricsAbsentCheck();
        var prefix = new MetricPrefixMismatchCheck();
        var gpu = new GpuMetricsAbsentCheck();
        var unreachable = new DatasourceUnreachableCheck();
        var unauthorized = new DatasourceUnauthorizedCheck();
        var scheme = new DatasourceSchemeMismatchCheck();
        var noInstance = new GrafanaNoMatchingInstanceCheck();
        var notSynced = new GrafanaDatasourceNotSyncedCheck();
        var unhealthy = new GrafanaDatasourceUnhealthyCheck();
        var empty = new DashboardQueriesEmptyCheck();
        var credentials = new DatasourceCredentialMissingCheck();
        var dashboardContent = new GrafanaDashboardNotLoadedCheck();
        var datasourceService = new DatasourceServiceMissingCheck();
        var tokenSecret = Secret("grafana-thanos-token", "llm-d-monitoring", "kubernetes.io/service-account-token");
        var urlFromConfigMap = """[{"targetPath":"url","valueFrom":{"configMapKeyRef":{"name":"thanos-endpoint","key":"url"}}}]""";
        var bearerFill = """[{"targetPath":"secureJsonData.httpHeaderValue1","valueFrom":{"secretKeyRef":{"name":"grafana-thanos-token","key":"token"}}}]""";
        var caEndpoint = ""","tlsConfig":{"ca":{"configMap":{"name":"serving-ca","key":"service-ca.crt"}},"serverName":"qwen-epp-service.my-first-model.svc"}""";
        var heartbeat = new AlertDeliveryBrokenCheck();
        var rules = new AlertRulesNotLoadedCheck();
        var thanos = "https://thanos-querier.openshift-monitoring.svc:9091";
        var notCollected = (CheckInput.Prometheus, InputState.NotCollected("no Prometheus URL configured"));

        return new TheoryData<MonitoringCase>
        {
            // LLMD0501
            Silent("0501 healthy: enableUserWorkload true", uwm, () => Cluster(Healthy())),
            Silent("0501 healthy: not OpenShift", uwm, () => Cluster(PlainKubernetes())),
            Fires("0501 enableUserWorkload false", uwm, () => Cluster(Healthy(), Facts(uwm: false)), "LLMD0501", "sets enableUserWorkload: false"),
            Fires("0501 ConfigMap missing on OpenShift", uwm, () => Cluster(Without("cluster-monitoring-config"), Facts() with { ClusterMonitoringConfig = ClusterMonitoringConfigFact.Missing }), "LLMD0501", "does not exist"),
            Fires("0501 config.yaml unreadable", uwm, () => Cluster(Healthy(), Facts() with { ClusterMonitoringConfig = new(true, null, "", "config.yaml is not valid YAML") }), "LLMD0501", "could not be read"),

            // LLMD0502
            Silent("0502 healthy: plain namespace on OpenShift", ns, () => Cluster(Healthy())),
            Fires("0502 opted out of UWM", ns, () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", Namespace(ModelNs, """{"openshift.io/user-monitoring":"false"}"""))), "LLMD0502", "openshift.io/user-monitoring=false"),
            Silent("0502 healthy twin: user-monitoring true", ns, () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", Namespace(ModelNs, """{"openshift.io/user-monitoring":"true"}""")))),
            Fires("0502 platform namespace", ns, () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", Namespace(ModelNs, """{"openshift.io/cluster-monitoring":"true"}"""))), "LLMD0502", "openshift.io/cluster-monitoring=true"),
            Fires("0502 plain Prometheus namespace selectors miss it", ns, () => Cluster(PlainKubernetes(PrometheusServer(
                smNamespaceSelector: """{"matchLabels":{"monitoring":"llm-d"}}""", pmNamespaceSelector: """{"matchLabels":{"monitoring":"llm-d"}}"""))), "LLMD0502", "monitoring=llm-d"),
            Fires("0502 plain Prometheus null namespace selectors = own namespace only", ns, () => Cluster(PlainKubernetes(PrometheusServer(smNamespaceSelector: "null", pmNamespaceSelector: "null"))), "LLMD0502", "only its own namespace llm-d-monitoring"),
            Silent("0502 healthy twin: plain Prometheus selects all namespaces", ns, () => Cluster(PlainKubernetes(PrometheusServer()))),
            Silent("0502 RHOAI: a namespace opted out of UWM but labelled monitoring.opendatahub.io/scrape=true is read by the ODH collector", ns,
                () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", OpenDataHubMonitoring(),
                    Namespace(ModelNs, """{"openshift.io/user-monitoring":"false","monitoring.opendatahub.io/scrape":"true"}""")))),
            Fires("0502 RHOAI: the same namespace when the Monitoring collects no metrics (spec.metrics unset)", ns,
                () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", OpenDataHubMonitoring(metrics: false),
                    Namespace(ModelNs, """{"openshift.io/user-monitoring":"false","monitoring.opendatahub.io/scrape":"true"}"""))), "LLMD0502", "openshift.io/user-monitoring=false"),
            Fires("0502 applied manifests (no pods) in a namespace opted out of UWM: the template pods would not be scraped", ns,
                () => Cluster(ManifestsOf(VllmStatefulSet(), "\"name\":\"my-first-model\",\"labels\":{}", Namespace(ModelNs, """{"openshift.io/user-monitoring":"false"}"""))),
                "LLMD0502", "(read from the pod template of StatefulSet my-first-model/qwen-kserve-sts, the pod template of Deployment my-first-model/qwen-epp) and would not be scraped"),
            Silent("0502 healthy twin: the same manifests in a namespace UWM watches", ns, () => Cluster(ManifestsOf(VllmStatefulSet()))),

            // LLMD0503
            Silent("0503 healthy: KServe monitors", missing, () => Cluster(Healthy())),
            Fires("0503 no PodMonitor for vLLM", missing, () => Cluster(Without("PodMonitor")), "LLMD0503", "kserve-llm-isvc-vllm-engine"),
            Fires("0503 no ServiceMonitor for EPP", missing, () => Cluster(Without("ServiceMonitor")), "LLMD0503", "Endpoint Picker"),
            Silent("0503 healthy twin: only the -default twin", missing, () => Cluster(Without("PodMonitor", VllmPodMonitor(name: "kserve-llm-isvc-vllm-engine-default", rename: false)))),
            Fires("0503 monitor opted out by label", missing, () => Cluster(Without("PodMonitor", VllmPodMonitor(labels: """{"openshift.io/user-monitoring":"false"}"""))), "LLMD0503", "labelled openshift.io/user-monitoring=false"),
            Fires("0503 RHOAI collector on, but the monitor opted out of UWM lacks monitoring.opendatahub.io/scrape", missing,
                () => Cluster(Without("PodMonitor", OpenDataHubMonitoring(), VllmPodMonitor(labels: """{"openshift.io/user-monitoring":"false"}"""))),
                "LLMD0503", "reads only monitors labelled monitoring.opendatahub.io/scrape=true"),
            Silent("0503 RHOAI healthy twin: the monitor carries monitoring.opendatahub.io/scrape=true", missing,
                () => Cluster(Without("PodMonitor", OpenDataHubMonitoring(), VllmPodMonitor(labels: """{"openshift.io/user-monitoring":"false","monitoring.opendatahub.io/scrape":"true"}""")))),
            Silent("0503 RHOAI healthy twin: an applied monitor in a namespace labelled for the ODH webhook gets the label on create", missing,
                () => Cluster(Without("\"name\":\"my-first-model\",\"labels\":{}", OpenDataHubMonitoring(), Namespace(ModelNs, """{"monitoring.opendatahub.io/scrape":"true"}"""))
                    .Where(o => !o.Contains("PodMonitor", StringComparison.Ordinal)).Append(VllmPodMonitor(labels: """{"openshift.io/user-monitoring":"false"}""")))),
            Fires("0503 plain Prometheus serviceMonitorSelector misses the monitor", missing, () => Cluster(PlainKubernetes(PrometheusServer(smSelector: """{"matchLabels":{"release":"kps"}}"""))), "LLMD0503", "release=kps"),
            Silent("0503 healthy twin: monitor carries the release label", missing, () => Cluster(
                [.. PlainKubernetes(PrometheusServer(smSelector: """{"matchLabels":{"release":"kps"}}""")).Where(o => !o.Contains("ServiceMonitor", StringComparison.Ordinal)),
                 EppServiceMonitor(labels: """{"release":"kps"}""")])),

            Silent("0503 healthy: applied manifests whose pod templates the KServe monitors reach", missing, () => Cluster(Manifests())),
            Fires("0503 applied manifests, no PodMonitor: the template pods would not be scraped", missing, () => Cluster(Manifests("PodMonitor")), "LLMD0503", "would not be scraped"),
            Fires("0503 applied manifests, no ServiceMonitor: names the template pod", missing, () => Cluster(Manifests("ServiceMonitor")), "LLMD0503", "qwen-epp (pod template)"),
            Silent("0503 healthy twin: a Deployment scaled to zero makes no pods to cover", missing, () => Cluster(
                [.. Manifests("PodMonitor").Where(o => !o.Contains("qwen-kserve", StringComparison.Ordinal)), VllmDeployment(replicas: 0)])),
            Silent("0503 healthy: applied StatefulSet whose pod template the KServe PodMonitor reaches", missing, () => Cluster(ManifestsOf(VllmStatefulSet()))),
            Fires("0503 applied StatefulSet, no PodMonitor: its template pods would not be scraped", missing, () => Cluster(ManifestsOf(VllmStatefulSet(), "PodMonitor")),
                "LLMD0503", "read from the pod template of StatefulSet my-first-model/qwen-kserve-sts) and would not be scraped"),
            Silent("0503 healthy twin: a StatefulSet scaled to zero makes no pods to cover", missing, () => Cluster(ManifestsOf(VllmStatefulSet(replicas: 0), "PodMonitor"))),
            Silent("0503 healthy: applied LeaderWorkerSet whose leader and worker templates a PodMonitor reaches", missing,
                () => Cluster(ManifestsOf(VllmLeaderWorkerSet(), "PodMonitor", VllmPodMonitor(selector: LwsPodMonitorSelector)))),
            Fires("0503 applied LeaderWorkerSet, a PodMonitor whose component list misses its leader/worker components", missing,
                () => Cluster(ManifestsOf(VllmLeaderWorkerSet())), "LLMD0503", "read from the pod template of LeaderWorkerSet my-first-model/qwen-kserve-mn) and would not be scraped"),
            Fires("0503 LeaderWorkerSet without leaderTemplate: the leader is made from the worker template", missing,
                () => Cluster(ManifestsOf(VllmLeaderWorkerSet(leaderTemplate: false))), "LLMD0503", "qwen-kserve-mn (leader pod template)"),
            Silent("0503 healthy twin: a LeaderWorkerSet whose pods exist is not counted again by its templates", missing,
                () => Cluster([.. Without("\"kind\":\"Pod\""), EppPod(), VllmLeaderWorkerSet(),
                    VllmPod("qwen-kserve-mn-0", component: "llminferenceservice-workload", extraLabels: ",\"leaderworkerset.sigs.k8s.io/name\":\"qwen-kserve-mn\"")])),
            Silent("0503 healthy twin: running pods, so the template of their Deployment is not counted again", missing, () => Cluster(With(VllmDeployment(component: "llminferenceservice-workload-prefill")))),

            // LLMD0504
            Silent("0504 healthy: applied manifests, the KServe PodMonitor reaches the pod template", nothing, () => Cluster(Manifests())),
            Fires("0504 applied manifests, PodMonitor label mismatch: would not be scraped", nothing, () => Cluster(Manifests("PodMonitor", VllmPodMonitor(selector: """{"matchLabels":{"app":"vllm"}}"""))), "LLMD0504", "would not be scraped"),
            Silent("0504 healthy: a PodMonitor selecting the LWS leader by the labels the LWS controller adds (name, worker-index 0)", nothing,
                () => Cluster(ManifestsOf(VllmLeaderWorkerSet(), "PodMonitor", VllmPodMonitor(
                    selector: """{"matchLabels":{"leaderworkerset.sigs.k8s.io/name":"qwen-kserve-mn","leaderworkerset.sigs.k8s.io/worker-index":"0"}}""")))),
            Fires("0504 applied StatefulSet, PodMonitor label mismatch: judged from its template, would not be scraped", nothing,
                () => Cluster(ManifestsOf(VllmStatefulSet(), "PodMonitor", VllmPodMonitor(selector: """{"matchLabels":{"app":"vllm"}}"""))),
                "LLMD0504", "do not exist yet: judged from the pod template of StatefulSet my-first-model/qwen-kserve-sts"),
            Silent("0504 healthy: KServe monitors select pods and ports", nothing, () => Cluster(Healthy())),
            Fires("0504 PodMonitor label mismatch", nothing, () => Cluster(Without("PodMonitor", VllmPodMonitor(selector: """{"matchLabels":{"app":"vllm"}}"""))), "LLMD0504", "matches no Pod"),
            Fires("0504 plain Prometheus: PodMonitor namespaceSelector looks elsewhere", nothing, () => Cluster([.. PlainKubernetes(PrometheusServer()).Where(o => !o.Contains("PodMonitor", StringComparison.Ordinal)),
                VllmPodMonitor(namespaceSelector: """{"matchNames":["other"]}""")]), "LLMD0504", "namespaceSelector looks only in namespace(s) other"),
            Silent("0504 OpenShift UWM ignores a namespaceSelector pointing elsewhere: the monitor still covers its own namespace", nothing,
                () => Cluster(Without("PodMonitor", VllmPodMonitor(namespaceSelector: """{"matchNames":["other"]}""")))),
            Fires("0504 OpenShift UWM ignores namespaceSelector: monitor in llm-d-monitoring with matchNames finds nothing", nothing,
                () => Cluster(Without("PodMonitor", VllmPodMonitor(ns: "llm-d-monitoring", namespaceSelector: """{"matchNames":["my-first-model"]}"""))), "LLMD0504", "ignoreNamespaceSelectors: true"),
            Silent("0504 healthy twin: plain Prometheus honours matchNames of a monitor in llm-d-monitoring", nothing,
                () => Cluster([.. PlainKubernetes(PrometheusServer()).Where(o => !o.Contains("PodMonitor", StringComparison.Ordinal)),
                    VllmPodMonitor(ns: "llm-d-monitoring", namespaceSelector: """{"matchNames":["my-first-model"]}""")])),
            Fires("0504 plain Prometheus with ignoreNamespaceSelectors: matchNames is ignored", nothing,
                () => Cluster([.. PlainKubernetes(PrometheusServer(ignoreNamespaceSelectors: true)).Where(o => !o.Contains("PodMonitor", StringComparison.Ordinal)),
                    VllmPodMonitor(ns: "llm-d-monitoring", namespaceSelector: """{"matchNames":["my-first-model"]}""")]), "LLMD0504", "Prometheus llm-d-monitoring/kps sets ignoreNamespaceSelectors"),
            Silent("0504 healthy twin: ignoreNamespaceSelectors and the monitor in the workload's namespace", nothing,
                () => Cluster(PlainKubernetes(PrometheusServer(ignoreNamespaceSelectors: true)))),
            Fires("0504 bearerTokenSecret names a missing Secret: prometheus-operator rejects the monitor", nothing,
                () => Cluster(Without("ServiceMonitor", Secret("unrelated", ModelNs),
                    EppServiceMonitor(endpointExtra: ""","bearerTokenSecret":{"name":"kserve-metrics-reader-sa-secret","key":"token"}"""))),
                "LLMD0504", "bearerTokenSecret names Secret my-first-model/kserve-metrics-reader-sa-secret, which does not exist"),
            Fires("0504 authorization credentials Secret missing", nothing,
                () => Cluster(Without("ServiceMonitor", Secret("unrelated", ModelNs),
                    EppServiceMonitor(endpointExtra: ""","authorization":{"type":"Bearer","credentials":{"name":"metrics-token","key":"token"}}"""))),
                "LLMD0504", "authorization.credentials names Secret my-first-model/metrics-token"),
            Silent("0504 healthy twin: the bearer-token Secret exists", nothing,
                () => Cluster(Without("ServiceMonitor", Secret("kserve-metrics-reader-sa-secret", ModelNs, "kubernetes.io/service-account-token"),
                    EppServiceMonitor(endpointExtra: ""","bearerTokenSecret":{"name":"kserve-metrics-reader-sa-secret","key":"token"}""")))),
            Silent("0504 healthy twin: no Secret collected at all (a manifest bundle) says nothing about the reference", nothing,
                () => Cluster(Without("ServiceMonitor", EppServiceMonitor(endpointExtra: ""","bearerTokenSecret":{"name":"kserve-metrics-reader-sa-secret","key":"token"}""")))),
            Fires("0504 tlsConfig CA ConfigMap missing: prometheus-operator rejects the monitor", nothing,
                () => Cluster(Without("ServiceMonitor", EppServiceMonitor(endpointExtra: caEndpoint))),
                "LLMD0504", "endpoint 0 tlsConfig.ca.configMap names ConfigMap my-first-model/serving-ca, which does not exist"),
            Fires("0504 tlsConfig CA ConfigMap without the key", nothing,
                () => Cluster(Without("ServiceMonitor", ConfigMap("serving-ca", ModelNs, """{"ca.crt":"x"}"""), EppServiceMonitor(endpointExtra: caEndpoint))),
                "LLMD0504", "names key 'service-ca.crt' of ConfigMap my-first-model/serving-ca, which has no such key"),
            Silent("0504 healthy twin: the CA ConfigMap and key exist", nothing,
                () => Cluster(Without("ServiceMonitor", ConfigMap("serving-ca", ModelNs, """{"service-ca.crt":"x"}"""), EppServiceMonitor(endpointExtra: caEndpoint)))),
            Silent("0504 healthy twin: no ConfigMap collected at all says nothing about the reference", nothing,
                () => Cluster([.. Without("ServiceMonitor", EppServiceMonitor(endpointExtra: caEndpoint)).Where(o => !o.Contains("cluster-monitoring-config", StringComparison.Ordinal))])),
            Fires("0503 OpenShift UWM: the only vLLM monitor sits in another namespace, so nothing covers the pods", missing,
                () => Cluster(Without("PodMonitor", VllmPodMonitor(ns: "llm-d-monitoring", namespaceSelector: """{"any":true}"""))), "LLMD0503", "kserve-llm-isvc-vllm-engine"),
            Fires("0504 ServiceMonitor port is a number, not the Service port name", nothing, () => Cluster(Without("ServiceMonitor", EppServiceMonitor(port: "9090"))), "LLMD0504", "Service port name '9090'"),
            Fires("0504 ServiceMonitor port name not on the Service", nothing, () => Cluster(Without("ServiceMonitor", EppServiceMonitor(port: "http-metrics"))), "LLMD0504", "its ports: grpc/9002, metrics/9090"),
            Fires("0504 ServiceMonitor selector matches no Service", nothing, () => Cluster(Without("ServiceMonitor", EppServiceMonitor(selector: """{"matchLabels":{"app":"epp"}}"""))), "LLMD0504", "matches no Service"),
            Fires("0504 PodMonitor port name not a container port", nothing, () => Cluster(Without("PodMonitor", VllmPodMonitor(endpoint: """{"port":"metrics"}"""))), "LLMD0504", "container port 'metrics'"),
            Silent("0504 healthy twin: PodMonitor container port name", nothing, () => Cluster(Without("PodMonitor", VllmPodMonitor(endpoint: """{"port":"https"}""")))),
            Silent("0504 healthy twin: PodMonitor portNumber", nothing, () => Cluster(Without("PodMonitor", VllmPodMonitor(endpoint: """{"portNumber":8000}""")))),
            Fires("0504 PodMonitor portNumber not declared", nothing, () => Cluster(Without("PodMonitor", VllmPodMonitor(endpoint: """{"portNumber":8080}""")))
                , "LLMD0504", "container port 8080"),

            // LLMD0505
            Silent("0505 healthy: all targets up", down, () => Cluster(Healthy())),
            Fires("0505 vLLM target down", down, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                Up = [Sample(0, ("job", "my-first-model/kserve-llm-isvc-vllm-engine"), ("namespace", ModelNs), ("pod", "qwen-kserve-0"), ("instance", "10.0.0.5:8000"))],
            })), "LLMD0505", "qwen-kserve-0 (10.0.0.5:8000)"),
            // The target family (evidence "target") is what links LLMD0505 to the LLMD0506 of the same family (incidents).
            Fires("0505 EPP target down names the Endpoint Picker family", down, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                Up = [Sample(0, ("job", "qwen-epp-service"), ("namespace", ModelNs), ("pod", "qwen-epp-0"), ("instance", "10.0.0.6:9090"))],
            })), "LLMD0505", "Endpoint Picker"),

            // LLMD0506
            Silent("0506 template pods are never judged by the live checks: no pods, no series expected", absent, () => Cluster(Manifests(), Facts(HealthyPrometheus() with { WorkloadSeries = [], Up = [] }))),
            Silent("0506 healthy: series for both pods", absent, () => Cluster(Healthy())),
            Fires("0506 no vLLM series", absent, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                WorkloadSeries = [Sample(1, ("__name__", "kserve_inference_pool_ready_pods"), ("namespace", ModelNs), ("pod", "qwen-epp-0"))],
            })), "LLMD0506", "vllm:* / kserve_vllm:*"),
            Fires("0506 no EPP series and no target", absent, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                Up = [],
                WorkloadSeries = [Sample(1, ("__name__", "vllm:num_requests_running"), ("namespace", ModelNs), ("pod", "qwen-kserve-0"))],
            })), "LLMD0506", "no scrape target"),

            // LLMD0507
            Silent("0507 healthy: dashboard and rule use kserve_ like the series", prefix, () => Cluster(With(
                Dashboard("vllm", "sum(rate(kserve_vllm:prompt_tokens_total[$__rate_interval])) by (model_name)"),
                Rule("llmd-vllm", ModelNs, "vllm", "kserve_vllm:num_requests_waiting > 10")))),
            Fires("0507 dashboard queries vllm: while series are kserve_vllm:", prefix, () => Cluster(With(
                Dashboard("vllm", "sum by (model_name) (vllm:num_requests_running{namespace=\"$namespace\"})"))), "LLMD0507", "kserve_vllm:num_requests_running"),
            Fires("0507 rule queries kserve_vllm: while series are vllm:", prefix, () => Cluster(With(Rule("llmd-vllm", ModelNs, "vllm", "kserve_vllm:num_requests_waiting > 10")),
                Facts(HealthyPrometheus() with { WorkloadSeries = [Sample(1, ("__name__", "vllm:num_requests_waiting"), ("namespace", ModelNs), ("pod", "qwen-kserve-0"))] })),
                "LLMD0507", "vllm:num_requests_waiting"),
            Fires("0507 predicted from the KServe relabeling when no Prometheus", prefix, () => Cluster(With(Dashboard("vllm", "vllm:kv_cache_usage_perc")), Facts() with { Prometheus = null }, notCollected),
                "LLMD0507", "predicted from the metricRelabelings"),
            Silent("0507 healthy twin: -default twin also produces vllm:", prefix, () => Cluster(With(Dashboard("vllm", "vllm:kv_cache_usage_perc"),
                VllmPodMonitor(name: "kserve-llm-isvc-vllm-engine-default", rename: false)), Facts() with { Prometheus = null }, notCollected)),

            // LLMD0508
            Silent("0508 healthy: DCGM series for the GPU node", gpu, () => Cluster(Without("qwen-kserve-0", VllmPod(gpu: true)))),
            Silent("0508 healthy: no GPU requested", gpu, () => Cluster(Healthy(), Facts(HealthyPrometheus() with { GpuSeries = [] }))),
            Fires("0508 GPU pod's node has no DCGM series", gpu, () => Cluster(Without("qwen-kserve-0", VllmPod(gpu: true, node: "gpu-node-7"))), "LLMD0508", "gpu-node-7"),
            Fires("0508 no DCGM series at all", gpu, () => Cluster(Without("qwen-kserve-0", VllmPod(gpu: true)), Facts(HealthyPrometheus() with { GpuSeries = [] })), "LLMD0508", "no series at all"),

            // LLMD0601–0603
            Silent("0601 healthy: datasource answered", unreachable, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.Ok, "", "")] })),
            Fires("0601 DNS failure", unreachable, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.Unreachable, "DNS", "thanos-querier.openshift-monitoring.svc does not resolve")] }), "LLMD0601", "DNS"),
            Fires("0602 GrafanaDatasource valuesFrom names a missing Secret (no live call needed)", credentials,
                () => Cluster(With(Secret("unrelated", "llm-d-monitoring"), DatasourceWithSecret("grafana-thanos-token"))), "LLMD0602", "Secret llm-d-monitoring/grafana-thanos-token, which does not exist"),
            Silent("0602 healthy twin: the datasource's Secret exists", credentials,
                () => Cluster(With(Secret("grafana-thanos-token", "llm-d-monitoring", "kubernetes.io/service-account-token"), DatasourceWithSecret("grafana-thanos-token")))),
            Silent("0602 healthy twin: no Secret collected, nothing judged", credentials, () => Cluster(With(DatasourceWithSecret("grafana-thanos-token")))),
            Silent("0602 healthy twin: the placeholder ${token} is filled by valuesFrom from an existing Secret", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer ${token}"}""", bearerFill)))),
            Fires("0602 secureJsonData placeholder no valuesFrom fills: Grafana sends the placeholder text", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer ${token}"}""", "[]"))),
                "LLMD0602", "secureJsonData.httpHeaderValue1 holds the placeholder ${token} but no valuesFrom entry"),
            Fires("0602 valuesFrom targets a secureJsonData field the datasource does not have", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue2":"Bearer ${token}"}""", bearerFill))),
                "LLMD0602", "valuesFrom targetPath secureJsonData.httpHeaderValue1 names a field the datasource does not have"),
            Fires("0602 the targeted field has no placeholder for the key, so the token lands nowhere", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer"}""", bearerFill))),
                "LLMD0602", "secureJsonData.httpHeaderValue1 holds neither ${token} nor $token"),
            Silent("0602 healthy twin: a non-string secure field (an array, as grafana-operator's example has) is read and left alone", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer ${token}","exemplarTraceIdDestinations":[{"name":"${dynamicTraceId}"}]}""", bearerFill)))),
            Fires("0602 a datasource with an array secure field is still read (not dropped): its unfilled placeholder is found", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer ${token}","exemplarTraceIdDestinations":[{"name":"x"}]}""", "[]"))),
                "LLMD0602", "secureJsonData.httpHeaderValue1 holds the placeholder ${token}"),
            Fires("0602 valuesFrom configMapKeyRef names a ConfigMap that does not exist (grafana-operator getConfigMapValue fails)", credentials,
                () => Cluster(With(ConfigMap("unrelated", "llm-d-monitoring"), DatasourceWithSecureFields("""{}""", urlFromConfigMap))),
                "LLMD0602", "takes a value from ConfigMap llm-d-monitoring/thanos-endpoint, which does not exist"),
            Fires("0602 valuesFrom configMapKeyRef names a key the ConfigMap lacks", credentials,
                () => Cluster(With(ConfigMap("thanos-endpoint", "llm-d-monitoring", """{"host":"thanos-querier"}"""), DatasourceWithSecureFields("""{}""", urlFromConfigMap))),
                "LLMD0602", "key 'url' of ConfigMap llm-d-monitoring/thanos-endpoint, which has no such key"),
            Silent("0602 healthy twin: the ConfigMap and its key exist in the datasource's namespace", credentials,
                () => Cluster(With(ConfigMap("thanos-endpoint", "llm-d-monitoring", """{"url":"https://thanos-querier.openshift-monitoring.svc:9091"}"""), DatasourceWithSecureFields("""{}""", urlFromConfigMap)))),
            Silent("0602 healthy twin: no ConfigMap collected, nothing judged", credentials,
                () => Cluster(Without("\"kind\":\"ConfigMap\"", DatasourceWithSecureFields("""{}""", urlFromConfigMap)))),
            Fires("0602 a ConfigMap of the same name in another namespace does not count", credentials,
                () => Cluster(With(ConfigMap("thanos-endpoint", "grafana", """{"url":"x"}"""), DatasourceWithSecureFields("""{}""", urlFromConfigMap))),
                "LLMD0602", "ConfigMap llm-d-monitoring/thanos-endpoint, which does not exist"),
            Silent("0602 healthy twin: the $key form is substituted too", credentials,
                () => Cluster(With(tokenSecret, DatasourceWithSecureFields("""{"httpHeaderValue1":"Bearer $token"}""", bearerFill)))),
            Fires("0601 the datasource URL names a Service that does not exist in its (collected) namespace", datasourceService,
                () => Cluster(With(DatasourceWithSecureFields("{}", "[]"), Service("prometheus-operated", "openshift-monitoring"))),
                "LLMD0601", "points at Service openshift-monitoring/thanos-querier, which does not exist"),
            Silent("0601 healthy twin: the Service exists", datasourceService,
                () => Cluster(With(DatasourceWithSecureFields("{}", "[]"), Service("thanos-querier", "openshift-monitoring")))),
            Fires("0601 .svc.cluster.local form", datasourceService,
                () => Cluster(With(DatasourceWithSecureFields("{}", "[]", url: "http://prometheus-operated.openshift-monitoring.svc.cluster.local:9090"), Service("thanos-querier", "openshift-monitoring"))),
                "LLMD0601", "Service openshift-monitoring/prometheus-operated"),
            Silent("0601 healthy twin: no Service of that namespace in the inventory (its Services were not collected)", datasourceService,
                () => Cluster(With(DatasourceWithSecureFields("{}", "[]")))),
            Silent("0601 healthy twin: an external URL names no Service", datasourceService,
                () => Cluster(With(DatasourceWithSecureFields("{}", "[]", url: "https://thanos.example.com:9091")))),
            Silent("0602 healthy: token accepted", unauthorized, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.Ok, "", "")] })),
            Fires("0602 HTTP 401", unauthorized, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.Unauthorized, "HTTP 401", "HTTP 401 using bearer token from file /var/run/secrets/token", HttpStatus: 401)] }), "LLMD0602", "HTTP 401"),
            Fires("0602 configured token Secret missing", unauthorized, () => Cluster(With("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"other","namespace":"llm-d-monitoring"},"type":"Opaque"}"""),
                Facts() with { TokenSecrets = ["llm-d-monitoring/grafana-thanos-token"] }), "LLMD0602", "does not exist"),
            Silent("0602 healthy twin: token Secret exists", unauthorized, () => Cluster(With("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"grafana-thanos-token","namespace":"llm-d-monitoring"},"type":"kubernetes.io/service-account-token"}"""),
                Facts() with { TokenSecrets = ["llm-d-monitoring/grafana-thanos-token"] })),
            Silent("0603 healthy: scheme matches", scheme, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.Ok, "", "")] })),
            Fires("0603 https against plain HTTP", scheme, () => Cluster(Healthy(), Facts() with { Datasources = [new(DatasourceRole.Query, thanos, ApiOutcome.SchemeMismatch, "server gave HTTP response to HTTPS client", "", "https", "http")] }), "LLMD0603", "server gave HTTP response to HTTPS client"),

            // LLMD0604–0607
            Silent("0604 healthy: a ready instance matches", noInstance, () => Cluster(With(GrafanaInstance(),
                GrafanaObject("GrafanaDashboard", "vllm", """{"conditions":[{"type":"NoMatchingInstance","status":"False"}],"NoMatchingInstances":false}""")))),
            Silent("0604 healthy: a manifest Grafana without status matches (readiness not collected)", noInstance, () => Cluster(With(GrafanaInstance(status: "{}"),
                GrafanaObject("GrafanaDashboard", "vllm", "{}")))),
            Fires("0604 dashboard condition NoMatchingInstance", noInstance, () => Cluster(With(GrafanaInstance(), GrafanaObject("GrafanaDashboard", "vllm",
                """{"conditions":[{"type":"NoMatchingInstance","status":"True","reason":"EmptyAPIReply","message":"None of the available Grafana instances matched the selector, skipping reconciliation"}]}"""))),
                "LLMD0604", "operator says: None of the available Grafana instances"),
            Fires("0604 datasource status NoMatchingInstances", noInstance, () => Cluster(With(GrafanaInstance(), GrafanaObject("GrafanaDatasource", "thanos-querier", """{"NoMatchingInstances":true}"""))), "LLMD0604", "GrafanaDatasource"),
            Fires("0604 computed: labels differ, no operator status yet", noInstance, () => Cluster(With(GrafanaInstance(labels: """{"dashboards":"grafana"}"""),
                GrafanaObject("GrafanaDashboard", "vllm", "{}"))), "LLMD0604", "matches none of the Grafana instances in llm-d-monitoring: llm-d-monitoring/llm-d-grafana {dashboards=grafana}"),
            Fires("0604 computed: the matching Grafana is not ready", noInstance, () => Cluster(With(GrafanaInstance(status: """{"stage":"deployment","stageStatus":"failed"}"""),
                GrafanaObject("GrafanaDashboard", "vllm", "{}"))), "LLMD0604", "not ready: stage deployment, stageStatus failed"),
            Fires("0604 computed: the matching Grafana is in another namespace", noInstance, () => Cluster(With(GrafanaInstance(ns: "grafana"),
                GrafanaObject("GrafanaDashboard", "vllm", "{}"))), "LLMD0604", "grafana/llm-d-grafana in another namespace would match with allowCrossNamespaceImport: true"),
            Silent("0604 healthy twin: allowCrossNamespaceImport reaches the Grafana in another namespace", noInstance, () => Cluster(With(GrafanaInstance(ns: "grafana"),
                GrafanaObject("GrafanaDashboard", "vllm", "{}", crossNamespace: true)))),
            Silent("0605 healthy: DatasourceSynchronized True", notSynced, () => Cluster(With(GrafanaObject("GrafanaDatasource", "thanos-querier", """{"conditions":[{"type":"DatasourceSynchronized","status":"True","reason":"ApplySuccessful"}]}""")))),
            Fires("0605 DatasourceSynchronized False", notSynced, () => Cluster(With(GrafanaObject("GrafanaDatasource", "thanos-querier",
                """{"conditions":[{"type":"DatasourceSynchronized","status":"False","reason":"ApplyFailed","message":"Datasource failed to be applied for 1 out of 1 instances"}]}"""))), "LLMD0605", "ApplyFailed"),
            Silent("0606 healthy: Grafana says OK", unhealthy, () => Cluster(Healthy(), Facts() with { Grafana = new GrafanaFacts { Url = "https://grafana", Healthy = true, Datasources = [new("prometheus", 200, "OK", "Successfully queried the Prometheus API.")] } })),
            Fires("0606 Grafana says ERROR", unhealthy, () => Cluster(With(GrafanaObject("GrafanaDatasource", "thanos-querier", """{"uid":"prometheus"}""")),
                Facts() with { Grafana = new GrafanaFacts { Url = "https://grafana", Healthy = true, Datasources = [new("prometheus", 400, "ERROR", "Post \"https://thanos-querier...\": 401 Unauthorized")] } }), "LLMD0606", "ERROR"),
            Fires("0608 configMapRef names a ConfigMap that does not exist", dashboardContent,
                () => Cluster(With(DashboardFrom(""" "configMapRef":{"name":"vllm-dashboard","key":"vllm.json"}"""))),
                "LLMD0608", "ConfigMap llm-d-monitoring/vllm-dashboard, which does not exist"),
            Fires("0608 configMapRef key missing from the ConfigMap", dashboardContent,
                () => Cluster(With(ConfigMap("vllm-dashboard", "llm-d-monitoring", """{"other.json":"{}"}"""), DashboardFrom(""" "configMapRef":{"name":"vllm-dashboard","key":"vllm.json"}"""))),
                "LLMD0608", "names key 'vllm.json' of ConfigMap llm-d-monitoring/vllm-dashboard, which has no such key"),
            Silent("0608 healthy twin: the ConfigMap holds the key", dashboardContent,
                () => Cluster(With(ConfigMap("vllm-dashboard", "llm-d-monitoring", """{"vllm.json":"{}"}"""), DashboardFrom(""" "configMapRef":{"name":"vllm-dashboard","key":"vllm.json"}""")))),
            Silent("0608 healthy twin: no ConfigMap collected at all, nothing judged", dashboardContent,
                () => Cluster(Without("cluster-monitoring-config", DashboardFrom(""" "configMapRef":{"name":"vllm-dashboard","key":"vllm.json"}""")))),
            Silent("0608 healthy twin: a url dashboard is remote, not fetched, not judged", dashboardContent,
                () => Cluster(With(DashboardFrom(""" "url":"https://grafana.com/api/dashboards/1860/revisions/37/download" """)))),
            Fires("0608 the operator says InvalidSpec", dashboardContent,
                () => Cluster(With(DashboardFrom(""" "url":"https://example.com/d.json" """, """{"conditions":[{"type":"InvalidSpec","status":"True","reason":"InvalidModelResolution","message":"fetching url: 404"}]}"""))),
                "LLMD0608", "grafana-operator says InvalidSpec (InvalidModelResolution): fetching url: 404"),
            Silent("0607 healthy: panel returns series", empty, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                DashboardQueries = [new("GrafanaDashboard", "llm-d-monitoring", "vllm", "Running", "kserve_vllm:num_requests_running", DashboardQueryOutcome.Series, 1, "")],
            }))),
            Fires("0607 panel returns nothing", empty, () => Cluster(Healthy(), Facts(HealthyPrometheus() with
            {
                DashboardQueries = [new("GrafanaDashboard", "llm-d-monitoring", "vllm", "Running", "vllm:num_requests_running", DashboardQueryOutcome.Empty, 0, "")],
            })), "LLMD0607", "vllm:num_requests_running"),

            // LLMD0701–0702
            Silent("0701 healthy: heartbeat active", heartbeat, () => Cluster(Healthy(), Facts() with { Alertmanager = new("https://alertmanager-main.openshift-monitoring.svc:9094", 1, 1) })),
            Fires("0701 heartbeat missing", heartbeat, () => Cluster(Healthy(), Facts() with { Alertmanager = new("https://alertmanager-main.openshift-monitoring.svc:9094", 0, 0) }), "LLMD0701", "no PrometheusRule"),
            Silent("0702 healthy: rule group loaded", rules, () => Cluster(With(Rule("llmd-doctor", "llm-d-monitoring", "llmd-doctor.rules", "vector(1)", "LlmdDoctorHeartbeat")),
                Facts(HealthyPrometheus() with { Rules = new RulesFact("Prometheus /api/v1/rules", [new("llmd-doctor.rules", "/etc/prometheus/rules/prometheus-kps-rulefiles-0/llm-d-monitoring-llmd-doctor-0b1.yaml", ["LlmdDoctorHeartbeat"])]) }))),
            Fires("0702 doctor rule not loaded", rules, () => Cluster(With(Rule("llmd-doctor", "llm-d-monitoring", "llmd-doctor.rules", "vector(1)", "LlmdDoctorHeartbeat")),
                Facts(HealthyPrometheus() with { Rules = new RulesFact("Prometheus /api/v1/rules", [new("other.rules", "/etc/prometheus/rules/x.yaml", [])]) })), "LLMD0702", "llmd-doctor.rules"),
            Fires("0702 llm-d rule not selected by ruleSelector", rules, () => Cluster(PlainKubernetes(PrometheusServer(ruleSelector: """{"matchLabels":{"release":"kps"}}"""),
                Rule("vllm-alerts", ModelNs, "vllm", "vllm:num_requests_waiting > 10"))), "LLMD0702", "ruleSelector"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check_reports_exactly_what_the_case_expects(MonitoringCase c)
    {
        var inputs = c.Inputs();
        var context = new CheckContext(inputs, c.Check, CancellationToken.None);
        c.Check.Run(context);

        if (c.Code is null)
        {
            Assert.True(context.Findings.Count == 0, $"{c.Name}: expected nothing, got {string.Join(" | ", context.Findings.Select(f => $"{f.Code} {f.Message}"))}");
            return;
        }

        var finding = Assert.Single(context.Findings);
        Assert.Equal(c.Code, finding.Code);
        var text = finding.Message + " " + string.Join(" ", finding.Evidence.Values);
        Assert.True(text.Contains(c.Evidence, StringComparison.Ordinal), $"{c.Name}: '{c.Evidence}' not in: {text}");
    }

    [Fact]
    public void Every_monitoring_code_has_a_firing_and_a_silent_case()
    {
        var cases = ((IEnumerable<object[]>)Cases()).Select(row => (MonitoringCase)row[0]).ToList();
        var codes = MonitoringChecks.All.SelectMany(c => c.Emits).Select(d => d.Code).Distinct().ToList();
        foreach (var code in codes)
        {
            Assert.Contains(cases, c => c.Code == code);
            Assert.Contains(cases, c => c.Code is null && c.Check.Emits.Any(d => d.Code == code));
        }
    }

    [Fact]
    public void Registration_list_is_sorted_by_name_and_unique()
    {
        var names = MonitoringChecks.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task Unreachable_Prometheus_reports_0601_and_skips_the_checks_that_need_it()
    {
        var inputs = Inputs(Build(Healthy()),
            Facts() with { Prometheus = null, Datasources = [new(DatasourceRole.Query, "https://thanos-querier.openshift-monitoring.svc:9091", ApiOutcome.Unreachable, "connect", "connection refused")] },
            (CheckInput.Prometheus, InputState.Unavailable("Thanos Querier", "connect: connection refused")),
            (CheckInput.Grafana, InputState.NotCollected("no Grafana URL configured")),
            (CheckInput.Alertmanager, InputState.NotCollected("no Alertmanager URL configured")));
        var run = await new CheckRunner().RunAsync(MonitoringChecks.All, inputs);

        Assert.Contains(run.Findings, f => f.Code == "LLMD0601");
        Assert.DoesNotContain(run.Findings, f => f.Code == "LLMD0001");
        Assert.Contains(run.Skipped, s => s.Check == "monitoring.MetricsPresent" && s.Reason.Contains("connection refused", StringComparison.Ordinal));
        Assert.Contains(run.Skipped, s => s.Check == "grafana.DatasourceHealth" && s.Reason == "no Grafana URL configured");
    }

    [Fact]
    public void Missing_cluster_monitoring_facts_fail_loudly_instead_of_reading_healthy()
    {
        var inputs = Inputs(Build(Healthy()), MonitoringFacts.Empty);
        var check = new UserWorkloadMonitoringDisabledCheck();
        Assert.Throws<InvalidOperationException>(() => check.Run(new CheckContext(inputs, check, CancellationToken.None)));
    }
}
