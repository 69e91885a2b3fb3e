using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// A probe got no usable answer and no more specific code explains it: DNS, refused, reset, timeout, TLS, a
/// body over the cap (any probe), or, for POST probes, an EPP rejection, an upstream/5xx error, no route, a
/// model-server error, an invalid 2xx body, or a 404 for a model /v1/models did not list. GET /v1/models
/// answers that are not transport failures belong to <see cref="ModelListFailingCheck"/>.
/// </summary>
public sealed class GatewayProbeFailedCheck : ICheck
{
    public string Name => "probes.GatewayProbe";
    public string Description => "probes that failed at the connection, TLS, gateway, EPP or model server for a reason no other code names";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GatewayProbeFailed];

    private const int UnprobedListed = 10;

    public void Run(CheckContext context)
    {
        var probes = context.Inputs.Probes;
        // A route the planner could not write a probe for is not healthy and not failing: it was not checked.
        foreach (var target in probes.Unprobed.Take(UnprobedListed))
        {
            context.Skip($"Gateway {target.Gateway}{(target.ApiPrefix.Length > 0 ? $" {target.ApiPrefix}" : "")} not probed: {target.Reason}");
        }

        if (probes.Unprobed.Count > UnprobedListed)
        {
            context.Skip($"and {probes.Unprobed.Count - UnprobedListed} more route matches not probed");
        }

        foreach (var r in probes.Results)
        {
            if (ReasonOf(probes, r) is not { } reason)
            {
                continue;
            }

            context.Report(FindingCatalog.GatewayProbeFailed.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("reason", reason),
                ("detail", Detail(r) + ProbeEvidence.DirectHint(probes, r)))));
        }
    }

    private static string? ReasonOf(ProbeResults probes, ProbeResult r)
    {
        var verdict = r.Classification.Verdict;
        if (verdict == ProbeVerdict.TransportFailed)
        {
            return r.Reason.ToName();
        }

        if (!r.Target.Kind.IsInference())
        {
            return null;
        }

        return verdict switch
        {
            ProbeVerdict.EndpointPickerError => "endpoint picker rejected the request",
            ProbeVerdict.UpstreamError => $"upstream error {r.Status}",
            ProbeVerdict.PathNotFound => "no route",
            ProbeVerdict.ModelServerError => $"model server error {r.Status}",
            ProbeVerdict.UnexpectedStatus => $"unexpected status {r.Status}",
            ProbeVerdict.InvalidResponse => "invalid response",
            ProbeVerdict.ModelNotFound when !ModelNameMismatchCheck.IsListed(r, probes.ModelListFor(r)) => "model not served",
            _ => null,
        };
    }

    private static string Detail(ProbeResult r)
    {
        var detail = $"{r.Classification.Detail} [layer {r.Classification.Layer}]";

        // GIE answers BadRequest when it cannot unmarshal the body or finds no model in it (domain-facts §3.1).
        // The probe always sends a complete JSON body with a model, so the EPP received a truncated or empty
        // body: the ext_proc body stream is broken before the EPP. That is not LLMD0401 (vLLM never saw the
        // request, and the EPP stream itself worked), so it is reported here with the EPP's own words.
        if (EndpointPickerErrorBody.TryParse(r.BodyExcerpt, out var epp) && epp.Code == "BadRequest")
        {
            detail += "; the probe sent a well-formed body with a model, so the Endpoint Picker did not receive it whole";
        }

        return detail;
    }
}
