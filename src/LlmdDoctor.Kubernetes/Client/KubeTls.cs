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

        return (_, certificate, _, errors) =>
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
            return chain.Build(leaf);
        };
    }

    public static SslClientAuthenticationOptions Options(KubeConnection connection, X509Certificate2? clientCertificate) => new()
    {
        RemoteCertificateValidationCallback = Validator(connection),
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
    };
}
