using LlmdDoctor.Core.Probes;
using static LlmdDoctor.Core.Tests.Probes.ProbeFixtures;

namespace LlmdDoctor.Core.Tests.Probes;

public class ProbeClassifierTests
{
    public static TheoryData<string, ProbeKind, int, string, ProbeVerdict, ProbeLayer> Rows => new()
    {
        // healthy rows
        { "models ok", ProbeKind.Models, 200, ModelList, ProbeVerdict.Ok, ProbeLayer.None },
        { "chat ok", ProbeKind.Chat, 200, Completion, ProbeVerdict.Ok, ProbeLayer.None },
        { "direct ok", ProbeKind.Direct, 200, ModelList, ProbeVerdict.Ok, ProbeLayer.None },
        // vLLM shapes
        { "flat Field required", ProbeKind.Chat, 400, FlatFieldRequired, ProbeVerdict.BodyLost, ProbeLayer.ExtProc },
        { "nested Field required", ProbeKind.Chat, 400, NestedFieldRequired, ProbeVerdict.BodyLost, ProbeLayer.ExtProc },
        { "FastAPI detail Field required", ProbeKind.Completions, 400, """{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}""", ProbeVerdict.BodyLost, ProbeLayer.ExtProc },
        { "flat unknown model", ProbeKind.Chat, 404, FlatModelMissing, ProbeVerdict.ModelNotFound, ProbeLayer.ModelServer },
        { "nested unknown model", ProbeKind.Chat, 404, NestedModelMissing, ProbeVerdict.ModelNotFound, ProbeLayer.ModelServer },
        { "vLLM other 400", ProbeKind.Chat, 400, """{"error":{"message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}}""", ProbeVerdict.ModelServerError, ProbeLayer.ModelServer },
        { "vLLM 404 unknown path", ProbeKind.Models, 404, """{"detail":"Not Found"}""", ProbeVerdict.PathNotFound, ProbeLayer.ModelServer },
        { "vLLM 429", ProbeKind.Chat, 429, """{"error":{"message":"too many","type":"RateLimitError","param":null,"code":429}}""", ProbeVerdict.RequestShed, ProbeLayer.ModelServer },
        // EPP ImmediateResponse bodies (GIE pkg/epp/util/error)
        { "EPP 429 exhausted", ProbeKind.Chat, 429, "inference gateway: InferencePoolResourceExhausted - failed to find target pod: queue full", ProbeVerdict.RequestShed, ProbeLayer.EndpointPicker },
        { "EPP 503 no candidates", ProbeKind.Chat, 503, "inference gateway: ServiceUnavailable - failed to find candidate pods for serving the request", ProbeVerdict.NoHealthyUpstream, ProbeLayer.EndpointPicker },
        { "EPP 500 no pods", ProbeKind.Chat, 500, "inference gateway: Internal - no pods available in datastore", ProbeVerdict.NoHealthyUpstream, ProbeLayer.EndpointPicker },
        { "EPP 500 other", ProbeKind.Chat, 500, "inference gateway: Internal - scheduler exploded", ProbeVerdict.EndpointPickerError, ProbeLayer.EndpointPicker },
        { "EPP 400 no model", ProbeKind.Chat, 400, "inference gateway: BadRequest - model not found in request body", ProbeVerdict.EndpointPickerError, ProbeLayer.EndpointPicker },
        { "EPP 404 bad config", ProbeKind.Chat, 404, "inference gateway: BadConfiguration - no objective", ProbeVerdict.EndpointPickerError, ProbeLayer.EndpointPicker },
        // Envoy local replies
        { "Envoy no healthy upstream", ProbeKind.Models, 503, "no healthy upstream", ProbeVerdict.NoHealthyUpstream, ProbeLayer.Gateway },
        { "Envoy upstream connect error", ProbeKind.Chat, 503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure", ProbeVerdict.UpstreamError, ProbeLayer.Upstream },
        { "Envoy upstream timeout", ProbeKind.Chat, 504, "upstream request timeout", ProbeVerdict.UpstreamError, ProbeLayer.Upstream },
        { "Envoy no route", ProbeKind.Chat, 404, "", ProbeVerdict.PathNotFound, ProbeLayer.Gateway },
        { "Envoy bodiless 500 on pool route", ProbeKind.Chat, 500, "", ProbeVerdict.UpstreamError, ProbeLayer.ExtProc },
        // auth and others
        { "401", ProbeKind.Models, 401, "", ProbeVerdict.AuthRequired, ProbeLayer.GatewayPolicy },
        { "403", ProbeKind.Chat, 403, "RBAC: access denied", ProbeVerdict.AuthRequired, ProbeLayer.GatewayPolicy },
        { "gateway 429 no body", ProbeKind.Chat, 429, "", ProbeVerdict.RequestShed, ProbeLayer.GatewayPolicy },
        { "teapot", ProbeKind.Chat, 418, "short and stout", ProbeVerdict.UnexpectedStatus, ProbeLayer.Gateway },
        { "refused", ProbeKind.Models, 0, "", ProbeVerdict.TransportFailed, ProbeLayer.Connect },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Classifies_each_answer_to_a_verdict_and_layer(string row, ProbeKind kind, int status, string body, ProbeVerdict verdict, ProbeLayer layer)
    {
        var c = Result(kind, status, body).Classification;

        Assert.True(verdict == c.Verdict, $"{row}: verdict {c.Verdict} ({c.Detail})");
        Assert.True(layer == c.Layer, $"{row}: layer {c.Layer} ({c.Detail})");
        Assert.DoesNotContain('\n', c.Detail);
    }

    [Fact]
    public void Empty_model_list_is_its_own_verdict()
    {
        var r = Result(ProbeKind.Models, 200, """{"object":"list","data":[]}""", reason: ProbeFailureReason.InvalidResponse);

        Assert.Equal(ProbeVerdict.ModelListEmpty, r.Classification.Verdict);
    }

    [Theory]
    [InlineData(ProbeFailureReason.Dns, ProbeLayer.Dns)]
    [InlineData(ProbeFailureReason.Tls, ProbeLayer.Tls)]
    [InlineData(ProbeFailureReason.Refused, ProbeLayer.Connect)]
    public void Transport_failures_name_their_layer(ProbeFailureReason reason, ProbeLayer layer)
    {
        var r = Result(ProbeKind.Chat, 0, reason: reason);

        Assert.Equal(ProbeVerdict.TransportFailed, r.Classification.Verdict);
        Assert.Equal(layer, r.Classification.Layer);
    }

    [Fact]
    public void A_timeout_waiting_for_headers_is_the_gateway_s()
    {
        var r = Result(ProbeKind.Chat, 0, reason: ProbeFailureReason.Timeout) with { FailedIn = ProbePhase.Processing };

        Assert.Equal(ProbeLayer.Gateway, r.Classification.Layer);
    }
}
