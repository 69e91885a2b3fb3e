using System.Globalization;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>A successful probe took longer than <see cref="CheckSettings.SlowProbeThreshold"/>; names the slowest phase.</summary>
public sealed class ProbeSlowCheck : ICheck
{
    public string Name => "probes.Latency";
    public string Description => "successful probes slower than the configured threshold";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Probes];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.ProbeSlow];

    public void Run(CheckContext context)
    {
        var threshold = context.Inputs.Settings.SlowProbeThreshold;
        foreach (var r in context.Inputs.Probes.Results.Where(r => r.Success && r.Timings.Total > threshold))
        {
            var slowest = Enum.GetValues<ProbePhase>().Where(p => p != ProbePhase.Total).MaxBy(r.Timings.Of);
            context.Report(FindingCatalog.ProbeSlow.At(ProbeEvidence.SubjectOf(r), ProbeEvidence.Of(r,
                ("ms", r.Timings.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)),
                ("thresholdMs", ((long)threshold.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                ("slowestPhase", $"{slowest.ToLabel()} {(long)r.Timings.Of(slowest).TotalMilliseconds} ms"))));
        }
    }
}
