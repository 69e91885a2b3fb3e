using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// LLMD0304: FULL_DUPLEX_STREAMED needs the matching trailer mode SEND (envoy processing_mode.proto; Istio added
/// it only in 1.28, istio #57041; Envoy Gateway #6270 shows Envoy rejecting the filter-level form).
/// </summary>
public sealed class ExtProcTrailerModeMissingCheck : ICheck
{
    public string Name => "envoy.ExtProcTrailerMode";
    public string Description => "routes whose effective ext_proc body mode is FULL_DUPLEX_STREAMED without trailer mode SEND";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.EnvoyConfig];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ExtProcTrailerModeMissing];

    public void Run(CheckContext context)
    {
        foreach (var scanned in EnvoyRouteScan.Routes(context))
        {
            if (!scanned.Mode.Active)
            {
                continue;
            }

            var mode = scanned.Mode.Mode;
            var request = mode.RequestBody == BodySendMode.FullDuplexStreamed && mode.RequestTrailer != HeaderSendMode.Send;
            var response = mode.ResponseBody == BodySendMode.FullDuplexStreamed && mode.ResponseTrailer != HeaderSendMode.Send;
            if (!request && !response)
            {
                continue;
            }

            var (body, trailer) = (request, response) switch
            {
                (true, true) => ("request and response body mode FULL_DUPLEX_STREAMED", "request_trailer_mode and response_trailer_mode"),
                (true, false) => ("request body mode FULL_DUPLEX_STREAMED", "request_trailer_mode"),
                _ => ("response body mode FULL_DUPLEX_STREAMED", "response_trailer_mode"),
            };
            context.Report(FindingCatalog.ExtProcTrailerModeMissing.At(scanned.Gateway,
                ("gateway", scanned.Pod.GatewayKey),
                ("route", scanned.Route.Name),
                ("mode", body),
                ("trailer", trailer),
                ("processingMode", mode.ToString()),
                ("pod", scanned.Pod.PodName)));
        }
    }
}
