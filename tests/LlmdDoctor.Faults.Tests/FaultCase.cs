namespace LlmdDoctor.Faults.Tests;

/// <summary>
/// One row of the fault matrix: where the fault is, what it is, what the doctor does about it (the README's words),
/// the code (or skip / exit code) it must produce, and the arrange/act/assert that proves it.
/// </summary>
/// <param name="Area">Kubernetes API, Gateways/models, Envoy admin, EPP, Monitoring, Config, Agent.</param>
/// <param name="Fault">The fault injected, in a few words.</param>
/// <param name="Does">What the doctor does about it, as a user reads it in the README.</param>
/// <param name="Code">The named outcome: a finding code, <c>skip: …</c>, <c>exit 2</c>/<c>exit 3</c>, or <c>none</c>.</param>
public sealed record FaultCase(string Area, string Fault, string Does, string Code, Func<Task> Run)
{
    /// <summary>Set when the doctor misbehaves under this fault: the case is skipped with this reason (and the bug reported).</summary>
    public string? Bug { get; init; }

    /// <summary>Takes longer than a few seconds (a timeout that is not configurable); run in parallel with the rest.</summary>
    public bool Slow { get; init; }

    /// <summary>Unique within the matrix: the Theory's row name.</summary>
    public string Name => $"{Area}: {Fault}";

    public override string ToString() => Name;
}
