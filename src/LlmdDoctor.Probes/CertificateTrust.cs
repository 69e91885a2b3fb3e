using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Probes;

/// <summary>
/// Validates a server certificate against the system trust, a CA file, or nothing (explicit insecure-skip-verify),
/// and remembers in words what was wrong with it so a TLS failure explains itself. With a readable CA file the
/// handshake itself builds the chain against that file's CAs only (<see cref="ChainPolicy"/>), so the chain and
/// errors handed to <see cref="Validate"/> are already the CA file's verdict.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly string? _caFile;
    private readonly CaTrust? _ca;
    private readonly bool _insecure;

    /// <param name="ca">The CA file read (<see cref="CaTrustCache"/>); null when <paramref name="caFile"/> is.</param>
    public CertificateTrust(string? caFile, CaTrust? ca, bool insecure) => (_caFile, _ca, _insecure) = (caFile, ca, insecure);

    /// <summary>
    /// The chain policy for one handshake: a copy of the CA file's (SslStream adds the server's intermediates to the
    /// policy it is given and sets its application policy: dotnet/runtime System.Net.Security
    /// <c>SslStream.Protocol.cs</c> <c>VerifyRemoteCertificate</c>), or null for the system trust.
    /// </summary>
    public X509ChainPolicy? ChainPolicy => _ca?.Policy?.Clone();

    /// <summary>What was wrong with the certificate, or null when nothing was.</summary>
    public string? Problem { get; private set; }

    /// <summary>Subject, issuer and expiry of the certificate seen.</summary>
    public string? Seen { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Problem = "the server sent no certificate";
            return _insecure;
        }

        using var cert = new X509Certificate2(certificate);
        Seen = $"subject {cert.Subject}, issuer {cert.Issuer}, expires {cert.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";

        if (_caFile is not null && (errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            // With the CA file's policy the chain was built against its CAs only. Unreadable, the system store was
            // used, and a chain it cannot complete is explained by the unreadable file.
            Problem = _ca?.ReadError is { } unreadable
                ? $"CA file {_caFile} could not be read: {unreadable}"
                : $"not signed by a CA in {_caFile}: " + Describe(cert, chain?.ChainStatus ?? []);
        }
        else if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            Problem = Describe(cert, chain?.ChainStatus ?? []);
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            Problem = Join(Problem, "the certificate does not name the host asked for (name mismatch)");
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        Problem ??= errors.ToString();
        if (_insecure)
        {
            Problem = $"not verified (insecure-skip-verify): {Problem}";
            return true;
        }

        return false;
    }

    private static string Describe(X509Certificate2 cert, X509ChainStatus[] status)
    {
        var parts = new List<string>();
        var now = DateTime.UtcNow;
        if (cert.NotAfter.ToUniversalTime() < now)
        {
            parts.Add($"certificate expired {cert.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
        }
        else if (cert.NotBefore.ToUniversalTime() > now)
        {
            parts.Add($"certificate not valid before {cert.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
        }

        if (cert.Subject == cert.Issuer)
        {
            parts.Add("self-signed");
        }

        parts.AddRange(status.Select(s => s.Status.ToString()).Distinct(StringComparer.Ordinal));
        return parts.Count == 0 ? "certificate chain not trusted" : string.Join(", ", parts);
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a}; {b}";
}
