using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>
/// POST answers vLLM's 404 "The model `x` does not exist." for an id GET /v1/models listed on the same gateway
/// and prefix: the POST reached a different model server than the GET (the InferencePool rule and the
/// catch-all Service rule disagree), or the body's model was rewritten on the way.
/// </summary>
public sealed class ModelNameMismatchCheck : ICheck
{
    public string Name => "probes.ModelName";
    public string Description => "POST probes answered 404 for a model id that /v1/models listed";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ModelNameMismatch];

    public void Run(CheckContext context)
    {
        var probes = context.Inputs.Probes;
        foreach (var r in probes.Results.Where(r => r.Target.Kind.IsInference() && r.Classification.Verdict == ProbeVerdict.ModelNotFound))
        {
            if (probes.ModelListFor(r) is not { } models || !IsListed(r, models))
            {
                continue;
            }

            context.Report(FindingCatalog.ModelNameMismatch.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("model", r.Model),
                ("detail", r.Classification.Detail),
                ("modelsPath", models.Target.Path),
                ("listed", string.Join(", ", models.ModelIds)))));
        }
    }

    /// <summary>The model asked for was in this cycle's model list (a 404 for an unlisted id is a GatewayProbeFailed).</summary>
    internal static bool IsListed(ProbeResult post, ProbeResult? models) =>
        post.Model is { } model && models is not null && models.ModelIds.Contains(model, StringComparer.Ordinal);
}
