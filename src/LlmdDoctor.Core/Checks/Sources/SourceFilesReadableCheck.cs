using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Sources;

/// <summary>
/// LLMD0003 for each part of the source that could not be read while the rest was analysed: a bundle file that
/// does not parse (named with file:line:column), is too large, is not a regular file, or a symlink that leaves the
/// bundle. Never silently "healthy": what was not read is said.
/// </summary>
public sealed class SourceFilesReadableCheck : ICheck
{
    public string Name => "source.FilesReadable";
    public string Description => "every file of the source could be read";
    public IReadOnlyList<CheckInput> Inputs { get; } = [];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.SourceUnavailable];

    public void Run(CheckContext context)
    {
        foreach (var problem in context.Inputs.SourceProblems)
        {
            context.Report(FindingCatalog.SourceUnavailable.At(Subject.Source(problem.Source),
                ("source", problem.Source), ("reason", problem.Reason), ("checks", "none: the rest of the source was analysed without it")));
        }
    }
}

/// <summary>The checks about the source itself.</summary>
public static class SourceChecks
{
    public static IReadOnlyList<ICheck> All { get; } = [new SourceFilesReadableCheck()];
}
