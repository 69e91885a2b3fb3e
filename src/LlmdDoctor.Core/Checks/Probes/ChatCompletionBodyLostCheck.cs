using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// The seed bug: POST chat/completions answers vLLM's 400 "Field required" for the body, i.e. Envoy forwarded
/// the request without its body (ext_proc FULL_DUPLEX_STREAMED + fail-open, domain-facts §1.5).
/// </summary>
public sealed class ChatCompletionBodyLostCheck : ICheck
{
    public string Name => "probes.ChatCompletion";
    public string Description => "POST probes whose body never reached the model server (400 Field required)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ChatCompletionBodyLost];

    public void Run(CheckContext context)
    {
        var probes = context.Inputs.Probes;
        foreach (var r in probes.Results.Where(r => r.Target.Kind.IsInference() && r.Classification.Verdict == ProbeVerdict.BodyLost))
        {
            // Reported even when GET /v1/models failed too: vLLM answering "Field required" proves the POST reached
            // it without a body, whatever else is broken; modelsStatus says how the GET fared.
            var models = probes.ModelListFor(r);
            context.Report(FindingCatalog.ChatCompletionBodyLost.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("detail", r.Classification.Detail),
                ("modelsPath", models?.Target.Path ?? $"{r.Target.ApiPrefix}/v1/models"),
                ("modelsStatus", models is null ? "not probed" : ProbeEvidence.StatusText(models)))));
        }
    }
}
