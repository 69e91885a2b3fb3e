namespace LlmdDoctor.Probes;

/// <summary>Keeps credentials out of everything a probe records.</summary>
internal static class ProbeRedaction
{
    public const string Redacted = "<redacted>";

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key",
    };

    /// <summary>True for request headers whose values are never written down.</summary>
    public static bool IsSecretHeader(string name, ProbeCredential? credential) =>
        SecretHeaders.Contains(name) || (credential is not null && string.Equals(name, credential.HeaderName, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Replaces the credential wherever it appears (a server may echo it in a body or an error), also its token
    /// part after the scheme (<c>Bearer &lt;token&gt;</c>).
    /// </summary>
    public static string Scrub(string text, ProbeCredential? credential)
    {
        if (credential is null || text.Length == 0)
        {
            return text;
        }

        var value = credential.Value;
        text = text.Replace(value, Redacted, StringComparison.Ordinal);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && space < value.Length - 1)
        {
            text = text.Replace(value[(space + 1)..].Trim(), Redacted, StringComparison.Ordinal);
        }

        return text;
    }
}
