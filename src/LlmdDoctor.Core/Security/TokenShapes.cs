using System.Text.RegularExpressions;

namespace LlmdDoctor.Core.Security;

/// <summary>
/// Recognises values that are credentials by their shape, for text the doctor copies without knowing the credential
/// (the annotations of collected objects): an OpenShift OAuth token (<c>sha256~…</c>), a JWT (a service-account
/// token), an Authorization value, or a long opaque run of
/// base64/hex characters (no <c>-</c> or <c>.</c>, so a long pod or host name is not one).
/// </summary>
public static partial class TokenShapes
{
    /// <summary>Annotations that carry a live token whatever it looks like.</summary>
    public static IReadOnlySet<string> TokenAnnotations { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // OpenShift writes the service account's token into its token Secret under this annotation.
        "openshift.io/token-secret.value",
    };

    public static bool LooksLikeToken(string? value) =>
        value is { Length: >= 20 } && (value.StartsWith("sha256~", StringComparison.Ordinal) || Jwt().IsMatch(value) || Authorization().IsMatch(value)
            || (Opaque().IsMatch(value) && value.Any(char.IsAsciiDigit) && value.Any(char.IsAsciiLetter) && !Uuid().IsMatch(value)));

    [GeneratedRegex(@"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"^(?i:bearer|basic)\s+\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex Authorization();

    // No '-' or '.': those make names (pod names, hostnames), which annotations carry and checks read.
    [GeneratedRegex(@"^[A-Za-z0-9+/=_~]{32,}$", RegexOptions.CultureInvariant)]
    private static partial Regex Opaque();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();
}
