using System.Reflection;

namespace LlmdDoctor.Core.Runbooks;

/// <summary>The runbooks of <c>runbooks/</c>, embedded in the binary so <c>explain</c> and <c>/runbooks/{code}</c> work anywhere.</summary>
public static class RunbookLibrary
{
    private const string Prefix = "runbooks/";
    private static readonly Assembly Assembly = typeof(RunbookLibrary).Assembly;

    /// <summary>Codes that have an embedded runbook, in order.</summary>
    public static IReadOnlyList<string> Codes { get; } =
    [
        .. Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".md", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^3])
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The Markdown of a code's runbook, or null when there is none.</summary>
    public static string? Get(string code)
    {
        using var stream = Assembly.GetManifestResourceStream($"{Prefix}{code.Trim().ToUpperInvariant()}.md");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
