using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Kubernetes;

/// <summary>Server certificate validation as kubectl does it: a custom CA replaces the system roots.</summary>
internal static class KubeTls
{
    public static RemoteCertificateValidationCallback? Validator(KubeConnection connection)
    {
        if (connection.InsecureSkipTlsVerify)
        {
            return static (_, _, _, _) => true;
        }

        var roots = connection.CertificateAuthorities is { Count: > 0 } r ? r : null;
        var serverName = string.IsNullOrEmpty(connection.TlsServerName) ? null : connection.TlsServerName;
        if (roots is null && serverName is null)
        {
            return null;
        }

        return (_, certificate, presented, errors) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var leaf = new X509Certificate2(certificate);
            var nameOk = serverName is null
                ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                : leaf.MatchesHostname(serverName);
            if (!nameOk)
            {
                return false;
            }

            if (roots is null)
            {
                return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

            // Intermediates the server sent may complete the path; only the configured roots are trusted.
            if (presented is not null)
            {
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            return chain.Build(leaf) || EndsInConfiguredIntermediate(chain, roots);
        };
    }

    /// <summary>
    /// Go's crypto/x509 (kubectl) accepts any certificate in the CA file as a trust anchor, also an intermediate;
    /// .NET reports such a path as a partial chain. Accept it when that is the only fault and the path reaches a
    /// configured certificate.
    /// </summary>
    private static bool EndsInConfiguredIntermediate(X509Chain chain, X509Certificate2Collection roots) =>
        chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot)
        && chain.ChainElements.Any(e => roots.Any(r => r.RawDataMemory.Span.SequenceEqual(e.Certificate.RawDataMemory.Span)));

    public static SslClientAuthenticationOptions Options(KubeConnection connection, X509Certificate2? clientCertificate) => new()
    {
        RemoteCertificateValidationCallback = Validator(connection),
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
    };
}
