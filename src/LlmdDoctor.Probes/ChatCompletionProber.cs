using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>POST <c>/v1/chat/completions</c> or <c>/v1/completions</c> with a one-token request: one attempt.</summary>
internal sealed class ChatCompletionProber
{
    private const int KeepBytes = 64 * 1024;

    private readonly HttpProber _http;

    public ChatCompletionProber(HttpProber http) => _http = http;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, GatewayProbeOptions options, string model, ModelSource source, CancellationToken cancellation)
    {
        var body = InferenceRequestBody.For(target.Kind, model);
        var exchange = await _http.SendAsync(target, options, body, KeepBytes, cancellation).ConfigureAwait(false);
        var answer = ProbeAnswer.None;
        if (exchange.Reason == ProbeFailureReason.None)
        {
            (answer, var problem) = OpenAiAnswerReader.ReadCompletion(exchange.Kept, exchange.BodyComplete);
            if (answer != ProbeAnswer.Completion)
            {
                (exchange.Reason, exchange.Detail) = (ProbeFailureReason.InvalidResponse, problem);
            }
        }

        return ProbeSealer.Seal(exchange, options.Credential, answer, [], model, source);
    }
}
