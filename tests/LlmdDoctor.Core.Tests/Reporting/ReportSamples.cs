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
}
