using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Probes;

/// <summary>
/// Validates a server certificate against the system trust, a CA file, or nothing (explicit insecure-skip-verify),
/// and remembers in words what was wrong with it so a TLS failure explains itself.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly string? _caFile;
    private readonly bool _insecure;

    public CertificateTrust(string? caFile, bool insecure) => (_caFile, _insecure) = (caFile, insecure);

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
            errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            if (!ChainsToCaFile(cert, chain, out var why))
            {
                errors |= SslPolicyErrors.RemoteCertificateChainErrors;
                Problem = why;
            }
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

    private bool ChainsToCaFile(X509Certificate2 cert, X509Chain? presented, out string why)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(_caFile!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            why = $"CA file {_caFile} could not be read: {ex.Message}";
            return false;
        }

        if (Core.Security.CustomRootChain.Build(cert, roots, presented, out var status))
        {
            why = "";
            return true;
        }

        why = $"not signed by a CA in {_caFile}: " + Describe(cert, status);
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
