using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Tests.Probes;

/// <summary>Small probe results shaped like the seed cluster (KServe route rules 0/1 → pool, 2 → Service).</summary>
internal static class ProbeFixtures
{
    public const string Prefix = "/my-first-model/qwen3-0-6b";
    public const string Model = "Qwen/Qwen3-0.6B";

    public const string ModelList = """{"object":"list","data":[{"id":"Qwen/Qwen3-0.6B","object":"model","owned_by":"vllm"}]}""";
    public const string Completion = """{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"p"}}]}""";
    public const string FlatFieldRequired = """{"object":"error","message":"[{'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}]","type":"Bad Request","param":null,"code":400}""";
    public const string NestedFieldRequired = """{"error":{"message":"1 validation error:\n  {'type': 'missing', 'loc': ('body',), 'msg': 'Field required', 'input': None}","type":"Bad Request","param":"body","code":400}}""";
    public const string FlatModelMissing = """{"object":"error","message":"The model `Qwen/Qwen3-0.6B` does not exist.","type":"NotFoundError","param":null,"code":404}""";
    public const string NestedModelMissing = """{"error":{"message":"The model `Qwen/Qwen3-0.6B` does not exist.","type":"NotFoundError","param":"model","code":404}}""";

    public static ProbeTarget Target(ProbeKind kind, string gateway = "openshift-ingress/maas-gateway", bool viaPool = true)
    {
        var (method, suffix, rule) = kind switch
        {
            ProbeKind.Models => ("GET", "/v1/models", 2),
            ProbeKind.Chat => ("POST", "/v1/chat/completions", 1),
            ProbeKind.Completions => ("POST", "/v1/completions", 0),
            _ => ("GET", "/v1/models", 2),
        };
        var parts = gateway.Split('/');
        var direct = kind == ProbeKind.Direct;
        return new ProbeTarget
        {
            Kind = kind,
            Method = method,
            Url = direct ? "https://qwen3-0-6b-kserve-workload-svc.my-first-model.svc.cluster.local:8000/v1/models" : $"https://gw.example{Prefix}{suffix}",
            Path = direct ? "/v1/models" : Prefix + suffix,
            GatewayNamespace = parts[0],
            GatewayName = parts[1],
            RouteNamespace = "my-first-model",
            RouteName = "qwen3-0-6b-kserve-route",
            RuleIndex = rule,
            EnvoyRouteName = $"my-first-model.qwen3-0-6b-kserve-route.{rule}",
            ApiPrefix = Prefix,
            ViaInferencePool = kind.IsInference() && viaPool,
            ExpectedModel = Model,
            Service = direct ? "my-first-model/qwen3-0-6b-kserve-workload-svc" : null,
        };
    }

    public static ProbeResult Result(ProbeKind kind, int status, string body = "", IReadOnlyDictionary<string, string>? headers = null,
        ProbeFailureReason? reason = null, string gateway = "openshift-ingress/maas-gateway", bool viaPool = true, int ms = 40)
    {
        var ok = status is >= 200 and < 300;
        var answer = ProbeAnswer.None;
        IReadOnlyList<string> ids = [];
        var r = reason ?? (ok ? ProbeFailureReason.None : status == 0 ? ProbeFailureReason.Refused : ProbeFailureReason.HttpError);
        if (ok && r == ProbeFailureReason.None)
        {
            answer = kind.ListsModels() ? ProbeAnswer.ModelList : ProbeAnswer.Completion;
            ids = kind.ListsModels() ? [Model] : [];
        }
        else if (ok && r == ProbeFailureReason.InvalidResponse && body.Contains("\"data\":[]", StringComparison.Ordinal))
        {
            answer = ProbeAnswer.EmptyModelList;
        }

        return new ProbeResult
        {
            Target = Target(kind, gateway, viaPool),
            Status = status,
            Reason = r,
            FailedIn = r.IsTransport() ? ProbePhase.Connect : null,
            Detail = r.IsTransport() ? "connect to 10.0.0.1:443 failed: ConnectionRefused" : "",
            BodyExcerpt = body,
            BodyBytes = body.Length,
            Headers = headers ?? new Dictionary<string, string>(StringComparer.Ordinal) { ["server"] = "istio-envoy" },
            Answer = answer,
            ModelIds = ids,
            Model = kind.IsInference() ? Model : null,
            ModelSource = kind.IsInference() ? ModelSource.ModelList : ModelSource.None,
            Timings = ProbeTimings.Zero with { Total = TimeSpan.FromMilliseconds(ms) },
            TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        };
    }

    public static Dictionary<string, string> PickerHeaders() => new(StringComparer.Ordinal)
    {
        ["server"] = "istio-envoy",
        ["x-went-into-resp-headers"] = "true",
        ["x-envoy-upstream-service-time"] = "12",
    };

    /// <summary>Runs every registered probe check over <paramref name="results"/>.</summary>
    public static List<Finding> Run(IEnumerable<ProbeResult> results, CheckSettings? settings = null)
    {
        var inputs = new DoctorInputs
        {
            Probes = new ProbeResults { Results = [.. results] },
            Settings = settings ?? new CheckSettings(),
            States = new Dictionary<CheckInput, InputState> { [CheckInput.Probes] = InputState.Available("probes") },
        };
        var findings = new List<Finding>();
        foreach (var check in ProbeChecks.All)
        {
            var context = new CheckContext(inputs, check, CancellationToken.None);
            check.Run(context);
            findings.AddRange(context.Findings);
        }

        return findings;
    }
}
