using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>GET <c>/v1/models</c> (through a gateway, or directly on the model Service): one attempt, ids recorded.</summary>
internal sealed class ModelListProber
{
    private readonly HttpProber _http;
    private readonly ProbeSettings _settings;

    public ModelListProber(HttpProber http, ProbeSettings settings) => (_http, _settings) = (http, settings);

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, GatewayProbeOptions options, CancellationToken cancellation)
    {
        var exchange = await _http.SendAsync(target, options, body: null, _settings.ModelListParseBytes, cancellation).ConfigureAwait(false);
        var (answer, ids) = (ProbeAnswer.None, (IReadOnlyList<string>)[]);
        if (exchange.Reason == ProbeFailureReason.None)
        {
            (answer, ids, var problem) = OpenAiAnswerReader.ReadModelList(exchange.Kept, exchange.BodyComplete);
            if (answer != ProbeAnswer.ModelList)
            {
                (exchange.Reason, exchange.Detail) = (ProbeFailureReason.InvalidResponse, problem);
            }
        }

        return ProbeSealer.Seal(exchange, options.Credential, answer, ids);
    }
}
