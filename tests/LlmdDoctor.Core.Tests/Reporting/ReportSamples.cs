using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Core.Tests.Reporting;

/// <summary>A fixed set of findings, skips and flows used by the report golden files.</summary>
public static class ReportSamples
{
    public static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static CheckRun Run() => new(
        [
            FindingCatalog.ChatCompletionBodyLost.At(Subject.Gateway("openshift-ingress", "maas-gateway"),
                ("path", "/my-first-model/qwen3-0-6b/v1/chat/completions"), ("status", "400"), ("detail", "Field required"),
                ("modelsPath", "/my-first-model/qwen3-0-6b/v1/models"), ("modelsStatus", "200"),
                ("route", "my-first-model.maas-model-route.1")) with { Check = "probes.ChatCompletion" },
            FindingCatalog.GatewayAuthRequired.At(Subject.Gateway("openshift-ingress", "maas-gateway"),
                ("method", "GET"), ("path", "/my-first-model/qwen3-0-6b/v1/models"), ("status", "401"),
                ("gateway", "openshift-ingress/maas-gateway")) with { Check = "probes.GatewayAuth" },
            FindingCatalog.MetricPrefixMismatch.At(new Subject("grafana.integreatly.org", "GrafanaDashboard", "llm-d-monitoring", "llm-d-vllm-overview"),
                ("source", "GrafanaDashboard llm-d-monitoring/llm-d-vllm-overview"), ("queried", "vllm:"), ("present", "kserve_vllm:"),
                ("detail", "3 of 4 panels query vllm:num_requests_running, vllm:kv_cache_usage_perc, vllm:time_to_first_token_seconds_bucket"))
                with { Check = "monitoring.MetricPrefix" },
            FindingCatalog.SourceUnavailable.At(Subject.Source("https://thanos-querier.openshift-monitoring.svc:9091"),
                ("source", "https://thanos-querier.openshift-monitoring.svc:9091"), ("reason", "connection refused"), ("checks", "monitoring.ScrapeTargets"))
                with { Check = "runner" },
        ],
        [new SkippedCheck("grafana.DatasourceHealth", "no Grafana URL configured")],
        [
            new CheckOutcome("probes.ChatCompletion", TimeSpan.FromMilliseconds(1), false, false),
            new CheckOutcome("probes.GatewayAuth", TimeSpan.FromMilliseconds(1), false, false),
            new CheckOutcome("monitoring.MetricPrefix", TimeSpan.FromMilliseconds(1), false, false),
            new CheckOutcome("grafana.DatasourceHealth", TimeSpan.Zero, false, true),
        ]);

    public static Report Build(ReportPolicy? policy = null) => new ReportBuilder
    {
        Source = new ReportSource { Kind = "bundle", Name = "seed-rhoai" },
        GeneratedAt = At,
        Policy = policy ?? ReportPolicy.None,
        RunbookBaseUrl = "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks",
        Annotations = new FixedAnnotations(),
    }.Build(Run(), Flows());

    private sealed class FixedAnnotations : IFlowAnnotations
    {
        public string? EffectiveBodyMode(RequestFlow flow) => flow.IsPoolRoute ? "FULL_DUPLEX_STREAMED" : null;

        public IReadOnlyList<ReportFlowProbe> Probes(RequestFlow flow) => flow.IsPoolRoute
            ? [new ReportFlowProbe { Probe = "chat", Status = 400, Ms = 41 }]
            : [new ReportFlowProbe { Probe = "models", Status = 200, Ms = 12 }];
    }

    public static IReadOnlyList<RequestFlow> Flows()
    {
        var gateway = new Gateway
        {
            Metadata = new ObjectMeta { Name = "maas-gateway", Namespace = "openshift-ingress" },
            Status = new GatewayStatus { Addresses = [new GatewayAddress { Value = "maas.example.com" }] },
        };
        var route = new HttpRoute { Metadata = new ObjectMeta { Name = "maas-model-route", Namespace = "my-first-model" } };
        RequestFlow Flow(int index, string path, FlowBackend backend) => new()
        {
            Gateway = gateway,
            Route = route,
            RuleIndex = index,
            EnvoyRouteName = $"my-first-model.maas-model-route.{index}",
            Match = FlowMatch.Prefix(path),
            ApiPrefix = "/my-first-model/qwen3-0-6b",
            Backends = [backend],
            Model = "Qwen/Qwen3-0.6B",
            EndpointPicker = backend.Kind == BackendKind.InferencePool ? "my-first-model/qwen3-0-6b-epp-service" : null,
            BaseUrl = "https://maas.example.com",
        };
        return
        [
            Flow(1, "/my-first-model/qwen3-0-6b/v1/chat/completions",
                new FlowBackend(BackendKind.InferencePool, InferencePool.GroupV1Alpha2, "my-first-model", "qwen3-0-6b-inference-pool", null, 100, true)),
            Flow(2, "/my-first-model/qwen3-0-6b",
                new FlowBackend(BackendKind.Service, "", "my-first-model", "qwen3-0-6b-kserve-workload-svc", 8000, 1, true)),
        ];
    }

    /// <summary>
    /// The seed story on maas-gateway: the EPP's certificate is not trusted (LLMD0204), both pool routes run
    /// FULL_DUPLEX_STREAMED with fail-open (LLMD0301 per route) and lose the body (LLMD0401 per route), the workaround
    /// misses the gateway (LLMD0302); beside it a standalone trailer warning per route (LLMD0304).
    /// </summary>
    public static Report SeedIncident()
    {
        var gateway = Subject.Gateway("openshift-ingress", "maas-gateway");
        const string cluster = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";
        Finding Probe(int rule, string probe, string path) => FindingCatalog.ChatCompletionBodyLost.At(gateway,
            ("path", path), ("status", "400"), ("detail", "Field required"), ("modelsPath", "/my-first-model/qwen3-0-6b/v1/models"), ("modelsStatus", "200"),
            ("route", $"my-first-model.maas-model-route.{rule}"), ("httpRoute", "my-first-model/maas-model-route"), ("gateway", gateway.Key),
            ("probe", probe), ("model", "Qwen/Qwen3-0.6B")) with { Check = "probes.ChatCompletion" };
        Finding Risk(int rule) => FindingCatalog.ExtProcBodyLossRisk.At(gateway,
            ("route", $"my-first-model.maas-model-route.{rule}"), ("gateway", gateway.Key), ("mode", "FULL_DUPLEX_STREAMED"), ("envoyVersion", "1.34.1"),
            ("eppCluster", cluster), ("issue", "envoy-ext-proc-full-duplex-fail-open-body-loss")) with { Check = "envoy.ExtProcBodyLoss" };
        Finding Trailer(int rule) => FindingCatalog.ExtProcTrailerModeMissing.At(gateway,
            ("route", $"my-first-model.maas-model-route.{rule}"), ("gateway", gateway.Key), ("mode", "request body mode FULL_DUPLEX_STREAMED"),
            ("trailer", "request_trailer_mode")) with { Check = "envoy.ExtProcTrailers" };
        var run = new CheckRun(
            [
                FindingCatalog.EndpointPickerUnreachableFromGateway.At(gateway, ("gateway", gateway.Key), ("cluster", cluster),
                    ("detail", "upstream_cx_connect_fail=59 of upstream_cx_total=59; ssl.fail_verify_error=59 (the Endpoint Picker's certificate is not trusted)"))
                    with { Check = "envoy.EndpointPickerReachable" },
                Risk(0), Risk(1),
                FindingCatalog.EnvoyFilterFixNotCovering.At(gateway, ("envoyFilter", "openshift-ingress/fix-extproc-body-mode"), ("patchedMode", "BUFFERED"),
                    ("gateway", gateway.Key), ("mode", "FULL_DUPLEX_STREAMED")) with { Check = "envoy.EnvoyFilterCoverage" },
                Probe(0, "completions", "/my-first-model/qwen3-0-6b/v1/completions"), Probe(1, "chat", "/my-first-model/qwen3-0-6b/v1/chat/completions"),
                Trailer(0), Trailer(1),
            ],
            [],
            [new CheckOutcome("probes.ChatCompletion", TimeSpan.FromMilliseconds(1), false, false)]);
        return new ReportBuilder
        {
            Source = new ReportSource { Kind = "simulator", Name = "seed-rhoai" },
            GeneratedAt = At,
            RunbookBaseUrl = "http://llmd-doctor.llm-d-monitoring.svc:8080/runbooks",
        }.Build(run, Flows());
    }
}
