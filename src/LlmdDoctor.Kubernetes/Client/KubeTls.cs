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

            return Core.Security.CustomRootChain.Build(leaf, roots, presented, out var status, out var path) || EndsInConfiguredIntermediate(status, path, roots);
        };
    }

    /// <summary>
    /// Go's crypto/x509 (kubectl) accepts any certificate in the CA file as a trust anchor, also an intermediate;
    /// .NET reports such a path as a partial chain. Accept it when that is the only fault and the path reaches a
    /// configured certificate.
    /// </summary>
    private static bool EndsInConfiguredIntermediate(X509ChainStatus[] status, IReadOnlyList<X509Certificate2> path, X509Certificate2Collection roots) =>
        status.All(s => s.Status is X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot)
        && path.Any(c => roots.Any(r => r.RawDataMemory.Span.SequenceEqual(c.RawDataMemory.Span)));

    public static SslClientAuthenticationOptions Options(KubeConnection connection, X509Certificate2? clientCertificate) => new()
    {
        RemoteCertificateValidationCallback = Validator(connection),
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
    };
}
