using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>
/// One diagnosis. A check reads the collected snapshot and reports findings; it never does I/O and never
/// throws on purpose (the runner turns an exception into LLMD0001 naming the check).
/// </summary>
public interface ICheck
{
    /// <summary>Stable dotted name, <c>area.Thing</c>, e.g. <c>probes.ChatCompletion</c>.</summary>
    string Name { get; }

    /// <summary>One line saying what the check looks at.</summary>
    string Description { get; }

    /// <summary>The inputs the check reads; if one is missing the check is skipped or LLMD0002/0003 is reported.</summary>
    IReadOnlyList<CheckInput> Inputs { get; }

    /// <summary>Every code this check may report.</summary>
    IReadOnlyList<FindingDefinition> Emits { get; }

    void Run(CheckContext context);
}
