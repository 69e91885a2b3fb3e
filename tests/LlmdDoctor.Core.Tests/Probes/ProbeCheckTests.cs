using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;
using static LlmdDoctor.Core.Tests.Probes.ProbeFixtures;

namespace LlmdDoctor.Core.Tests.Probes;

public class ProbeCheckTests
{
    private static readonly ProbeResult ModelsOk = Result(ProbeKind.Models, 200, ModelList);
    private static readonly ProbeResult ChatOk = Result(ProbeKind.Chat, 200, Completion, PickerHeaders());
    private static readonly ProbeResult CompletionsOk = Result(ProbeKind.Completions, 200, Completion, PickerHeaders());
    private static readonly ProbeResult DirectOk = Result(ProbeKind.Direct, 200, ModelList, new Dictionary<string, string>());

    public static TheoryData<string, ProbeResult[], string[]> Scenarios => new()
    {
        // healthy rows: nothing
        { "healthy gateway", [ModelsOk, ChatOk, CompletionsOk, DirectOk], [] },
        { "healthy, Service route without picker header", [ModelsOk, Result(ProbeKind.Chat, 200, Completion, viaPool: false)], [] },
        { "not run is not a failure", [ModelsOk, Result(ProbeKind.Chat, 0, reason: ProbeFailureReason.NotRun)], [] },

        // the seed bug, both vLLM shapes
        { "flat Field required while GET works", [ModelsOk, Result(ProbeKind.Chat, 400, FlatFieldRequired)], ["LLMD0401"] },
        { "nested Field required on both POSTs", [ModelsOk, Result(ProbeKind.Chat, 400, NestedFieldRequired), Result(ProbeKind.Completions, 400, NestedFieldRequired)], ["LLMD0401", "LLMD0401"] },

        { "model listed but 404", [ModelsOk, Result(ProbeKind.Chat, 404, NestedModelMissing)], ["LLMD0402"] },
        { "model not listed and 404", [Result(ProbeKind.Models, 200, ModelList) with { ModelIds = ["other"] }, Result(ProbeKind.Chat, 404, FlatModelMissing)], ["LLMD0404"] },

        { "401 everywhere without credential: once per gateway", [Result(ProbeKind.Models, 401), Result(ProbeKind.Chat, 401)], ["LLMD0403"] },

        { "EPP shed", [ModelsOk, Result(ProbeKind.Chat, 429, "inference gateway: InferencePoolResourceExhausted - failed to find target pod")], ["LLMD0405"] },
        { "EPP no candidate pods", [ModelsOk, Result(ProbeKind.Chat, 503, "inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request")], ["LLMD0406"] },
        { "EPP no pods available", [ModelsOk, Result(ProbeKind.Chat, 500, "inference gateway: Internal - no pods available for the given request")], ["LLMD0406"] },
        { "Envoy no healthy upstream on models", [Result(ProbeKind.Models, 503, "no healthy upstream")], ["LLMD0406"] },
        { "EPP bad request", [ModelsOk, Result(ProbeKind.Chat, 400, "inference gateway: BadRequest - model not found in request body")], ["LLMD0404"] },

        { "refused on every probe", [Result(ProbeKind.Models, 0), Result(ProbeKind.Chat, 0)], ["LLMD0404", "LLMD0404"] },
        { "timeout on chat", [ModelsOk, Result(ProbeKind.Chat, 0, reason: ProbeFailureReason.Timeout)], ["LLMD0404"] },
        { "TLS on models", [Result(ProbeKind.Models, 0, reason: ProbeFailureReason.Tls)], ["LLMD0404"] },
        { "upstream 503 on chat", [ModelsOk, Result(ProbeKind.Chat, 503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure")], ["LLMD0404"] },
        { "chat 200 not JSON", [ModelsOk, Result(ProbeKind.Chat, 200, "<html>", PickerHeaders(), reason: ProbeFailureReason.InvalidResponse)], ["LLMD0404"] },

        { "picker bypassed", [ModelsOk, Result(ProbeKind.Chat, 200, Completion)], ["LLMD0407"] },

        { "models 500", [Result(ProbeKind.Models, 500, """{"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}""")], ["LLMD0408"] },
        { "models empty", [Result(ProbeKind.Models, 200, """{"object":"list","data":[]}""", reason: ProbeFailureReason.InvalidResponse)], ["LLMD0408"] },
        { "direct Service 404", [ModelsOk, Result(ProbeKind.Direct, 404, """{"detail":"Not Found"}""")], ["LLMD0408"] },

        { "slow chat", [ModelsOk, Result(ProbeKind.Chat, 200, Completion, PickerHeaders(), ms: 7000)], ["LLMD0409"] },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Each_probe_outcome_yields_exactly_its_codes(string scenario, ProbeResult[] results, string[] codes)
    {
        var findings = Run(results);

        Assert.True(codes.Order(StringComparer.Ordinal).SequenceEqual(findings.Select(f => f.Code).Order(StringComparer.Ordinal)),
            $"{scenario}: got [{string.Join(", ", findings.Select(f => $"{f.Code} {f.Message}"))}]");
    }

    [Fact]
    public void Body_loss_names_the_gateway_path_and_the_working_get()
    {
        var finding = Assert.Single(Run([ModelsOk, Result(ProbeKind.Chat, 400, FlatFieldRequired)]));

        Assert.Equal(Subject.Gateway("openshift-ingress", "maas-gateway"), finding.Subject);
        Assert.Equal("probes.ChatCompletion", finding.Check);
        Assert.Equal("400", finding.Evidence["status"]);
        Assert.Equal("200", finding.Evidence["modelsStatus"]);
        Assert.Equal("my-first-model.qwen3-0-6b-kserve-route.1", finding.Evidence["route"]);
        Assert.Equal(
            $"POST {Prefix}/v1/chat/completions answered 400 'Field required' while GET {Prefix}/v1/models answered 200: the request body did not reach the model",
            finding.Message);
    }

    [Fact]
    public void Auth_with_a_configured_credential_is_a_probe_failure()
    {
        var settings = new CheckSettings { GatewaysWithCredential = new HashSet<string>(StringComparer.Ordinal) { "openshift-ingress/maas-gateway" } };

        var finding = Assert.Single(Run([Result(ProbeKind.Models, 403), Result(ProbeKind.Chat, 403)], settings));

        Assert.Equal("LLMD0404", finding.Code);
        Assert.Equal("unauthorized", finding.Evidence["reason"]);
    }

    [Fact]
    public void Auth_required_is_never_critical()
    {
        var finding = Assert.Single(Run([Result(ProbeKind.Models, 401)]));

        Assert.Equal(Severity.Info, finding.Severity);
    }

    [Fact]
    public void A_failing_gateway_probe_says_whether_the_Service_answers_directly()
    {
        var findings = Run([Result(ProbeKind.Models, 500, "{\"detail\":\"x\"}"), DirectOk]);

        Assert.Contains("gateway path is at fault", Assert.Single(findings).Evidence["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public void Direct_probe_findings_name_the_Service()
    {
        var finding = Assert.Single(Run([ModelsOk, Result(ProbeKind.Direct, 0)]));

        Assert.Equal(Subject.Service("my-first-model", "qwen3-0-6b-kserve-workload-svc"), finding.Subject);
    }

    [Fact]
    public void Probe_checks_are_sorted_by_name_and_cover_every_probe_code()
    {
        var names = ProbeChecks.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(names, n => Assert.StartsWith("probes.", n, StringComparison.Ordinal));

        var emitted = ProbeChecks.All.SelectMany(c => c.Emits).Select(d => d.Code).ToHashSet();
        var probeCodes = FindingCatalog.All.Where(d => d.Code.StartsWith("LLMD04", StringComparison.Ordinal)).Select(d => d.Code);
        Assert.All(probeCodes, code => Assert.Contains(code, emitted));
        Assert.All(ProbeChecks.All, c => Assert.Equal([CheckInput.Probes], c.Inputs));
    }
}
