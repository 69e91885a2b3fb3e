using System.Text;

namespace LlmdDoctor.Core.Findings;

/// <summary>
/// One entry of the finding catalog: a stable code, a name that says what is wrong, a default severity,
/// and a message template whose <c>{placeholders}</c> are filled from the finding's evidence.
/// </summary>
public sealed class FindingDefinition
{
    internal FindingDefinition(string code, string name, Severity severity, string firesWhen, string messageTemplate)
    {
        Code = code;
        Name = name;
        DefaultSeverity = severity;
        FiresWhen = firesWhen;
        MessageTemplate = messageTemplate;
        Placeholders = ParsePlaceholders(messageTemplate);
    }

    public string Code { get; }
    public string Name { get; }
    public Severity DefaultSeverity { get; }
    public string FiresWhen { get; }
    public string MessageTemplate { get; }

    /// <summary>The evidence keys the message template needs.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>
    /// Creates a finding of this code. Every placeholder of the template must be present in
    /// <paramref name="evidence"/>; a missing one is a bug of the calling check and throws, which the
    /// runner turns into LLMD0001 naming the check.
    /// </summary>
    public Finding At(Subject subject, params (string Key, string? Value)[] evidence)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in evidence)
        {
            map[key] = value ?? "";
        }

        return new Finding(this, subject, Render(map), map);
    }

    public string Render(IReadOnlyDictionary<string, string> evidence)
    {
        var text = new StringBuilder(MessageTemplate.Length + 64);
        var template = MessageTemplate;
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                text.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            text.Append(template, i, open - i);
            var key = template.Substring(open + 1, close - open - 1);
            if (!evidence.TryGetValue(key, out var value))
            {
                throw new ArgumentException($"{Code} needs evidence '{key}' for its message", nameof(evidence));
            }

            text.Append(value);
            i = close + 1;
        }

        return text.ToString();
    }

    private static string[] ParsePlaceholders(string template)
    {
        var keys = new List<string>();
        var i = 0;
        while ((i = template.IndexOf('{', i)) >= 0)
        {
            var close = template.IndexOf('}', i);
            if (close < 0)
            {
                throw new ArgumentException($"unbalanced '{{' in template '{template}'", nameof(template));
            }

            keys.Add(template.Substring(i + 1, close - i - 1));
            i = close + 1;
        }

        return [.. keys.Distinct(StringComparer.Ordinal)];
    }

    public override string ToString() => $"{Code} {Name}";
}
