using System.Reflection;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Core.Runbooks;

/// <summary>The runbooks of <c>runbooks/</c>, embedded in the binary so <c>explain</c> and <c>/runbooks/{code}</c> work anywhere.</summary>
public static partial class RunbookLibrary
{
    /// <summary>What every runbook writes where the namespace of the finding's subject goes.</summary>
    public const string NamespacePlaceholder = "<namespace>";

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

    /// <summary>
    /// The runbook of <paramref name="code"/> for one namespace: every <c>&lt;namespace&gt;</c> (the namespace of the
    /// finding's subject) becomes <paramref name="ns"/>; other placeholders stay. Null when there is no runbook.
    /// </summary>
    public static string? Get(string code, string? ns) =>
        Get(code) is not { } text ? null
        : string.IsNullOrEmpty(ns) ? text
        : text.Replace(NamespacePlaceholder, ns, StringComparison.Ordinal);

    /// <summary>
    /// A Kubernetes namespace name (DNS-1123 label: lower-case letters, digits and '-', at most 63): the only
    /// namespace text the doctor puts into a runbook or an <c>explain</c> command line, so a name from a bundle can
    /// carry no shell or terminal syntax.
    /// </summary>
    public static bool IsNamespaceName(string? ns) => ns is { Length: > 0 and <= 63 } && NamespaceName().IsMatch(ns);

    /// <summary><c>llmd-doctor explain CODE</c>, with <c>--namespace NS</c> when the finding has a namespace the runbook can take.</summary>
    public static string ExplainCommand(string code, string? ns) =>
        IsNamespaceName(ns) ? $"llmd-doctor explain {code} --namespace {ns}" : $"llmd-doctor explain {code}";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamespaceName();
}
