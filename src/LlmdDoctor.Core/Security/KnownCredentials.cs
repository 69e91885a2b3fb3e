using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmdDoctor.Core.Security;

/// <summary>
/// Every credential the doctor holds (kubeconfig and exec tokens, the service account token, probe credentials, the
/// monitoring tokens, basic-auth pairs), registered once when it is first read, and scrubbed from every string the
/// doctor writes (reports, /metrics, logs, stderr, collected files). Peers echo what they were sent in their own
/// encodings, so a credential is matched however its characters were spelled: raw, JSON-escaped (<c>\u002b</c>,
/// <c>\/</c>, escaped twice when a JSON body is quoted inside JSON), percent-encoded, and as base64 of itself or of
/// <c>user:password</c>.
/// </summary>
/// <remarks>
/// Process-wide on purpose: a credential read by the Kubernetes client must be scrubbed from a log line written by the
/// agent loop. Values shorter than <see cref="MinimumLength"/> are not registered — scrubbing a three-letter word out of
/// every report would destroy it and protect nothing.
/// </remarks>
public static class KnownCredentials
{
    public const string Redacted = "<redacted>";

    /// <summary>The shortest value treated as a credential.</summary>
    public const int MinimumLength = 6;

    private static readonly Lock Gate = new();
    private static ImmutableHashSet<string> s_values = ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal);
    private static Regex? s_pattern;

    /// <summary>True when anything is registered (scrubbing costs nothing otherwise).</summary>
    public static bool Any => s_pattern is not null;

    /// <summary>
    /// True when <paramref name="value"/> can be sent in a header: no CR, LF or other control character, which would
    /// let a credential inject a header or a second request.
    /// </summary>
    public static bool IsSendable(string value) => !value.Any(char.IsControl);

    /// <summary>Registers a credential (a token, a password); a user name makes <c>user:password</c> a credential too.</summary>
    public static void Register(string? value, string? user = null)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var forms = new List<string> { value };
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && value[..space] is "Bearer" or "Basic" or "bearer" or "basic")
        {
            // An Authorization value: its token part alone is the secret.
            forms.Add(value[(space + 1)..].Trim());
        }

        if (user is not null)
        {
            forms.Add($"{user}:{value}");
        }

        lock (Gate)
        {
            var values = s_values;
            foreach (var form in forms.Where(f => f.Length >= MinimumLength))
            {
                values = values.Add(form);
            }

            if (values.Count == s_values.Count)
            {
                return;
            }

            s_values = values;
            s_pattern = Build(values);
        }
    }

    /// <summary>The text with every registered credential, in any of its spellings, replaced by <see cref="Redacted"/>.</summary>
    public static string Scrub(string text) =>
        s_pattern is { } pattern && !string.IsNullOrEmpty(text) ? pattern.Replace(text, Redacted) : text;

    private static Regex Build(IEnumerable<string> values)
    {
        // Backtracking, deliberately: the non-backtracking engine refuses automata over 10,000 nodes, which a few long
        // tokens spelled every way exceed. The pattern cannot backtrack badly: each alternative is a fixed spelling of one
        // character (the only quantifiers are a run of backslashes before 'u' or '/', and an optional "25" after '%').
        // Longest first, so a token inside a longer registered value does not leave the rest of that value behind.
        var alternatives = values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)
            .SelectMany(v => new[] { Spellings(v), Regex.Escape(Convert.ToBase64String(Encoding.UTF8.GetBytes(v)).TrimEnd('=')) + "=*" });
        return new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
    }

    /// <summary>A pattern that matches <paramref name="value"/> with each character spelled raw, JSON-escaped or percent-encoded.</summary>
    private static string Spellings(string value)
    {
        var s = new StringBuilder();
        Span<char> units = stackalloc char[2];
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            s.Append("(?:").Append(Regex.Escape(rune.ToString()));
            // JSON: \uXXXX per UTF-16 unit (any case, backslash doubled when JSON was quoted in JSON), and \/ for '/'.
            var count = rune.EncodeToUtf16(units);
            s.Append('|');
            for (var i = 0; i < count; i++)
            {
                s.Append(@"\\+u").Append(Hex(((int)units[i]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (rune.Value == '/')
            {
                s.Append(@"|\\+/");
            }

            // Percent-encoding of its UTF-8 bytes (a '%' itself encoded again when a URL was encoded twice).
            var length = rune.EncodeToUtf8(bytes);
            s.Append('|');
            for (var i = 0; i < length; i++)
            {
                s.Append("%(?:25)?").Append(Hex(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (rune.Value == ' ')
            {
                s.Append(@"|\+");
            }

            s.Append(')');
        }

        return s.ToString();
    }

    private static string Hex(string digits) => string.Concat(digits.Select(d => char.IsAsciiLetter(d) ? $"[{char.ToLowerInvariant(d)}{char.ToUpperInvariant(d)}]" : d.ToString()));
}
