using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>Certificates made in-process: a CA, leaves signed by it (right host, wrong host, expired), a self-signed leaf, client certificates.</summary>
public static class Certificates
{
    private static readonly Lazy<(X509Certificate2 Ca, RSA Key)> Authority = new(() =>
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=llmd-faults-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(60)), key);
    });

    public static X509Certificate2 Ca => Authority.Value.Ca;

    public static string CaPem => Ca.ExportCertificatePem();

    /// <summary>A server certificate signed by <see cref="Ca"/> for <paramref name="host"/> (an IP or DNS name).</summary>
    public static X509Certificate2 Signed(string host = "127.0.0.1", bool expired = false)
    {
        using var key = RSA.Create(2048);
        var request = Leaf($"CN={host}", key, host);
        var (from, to) = expired ? (DateTimeOffset.UtcNow.AddDays(-5), DateTimeOffset.UtcNow.AddDays(-1)) : (DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var cert = request.Create(Ca, from, to, RandomNumberGenerator.GetBytes(8));
        using var withKey = cert.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A self-signed server certificate for 127.0.0.1 that nobody trusts.</summary>
    public static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = Leaf("CN=self-signed-gateway", key, "127.0.0.1");
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A client certificate and key as PEM; <paramref name="expired"/> makes it one that ended yesterday.</summary>
    public static (string CertificatePem, string KeyPem) Client(bool expired)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=doctor-user, O=system:masters", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var (from, to) = expired ? (DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1)) : (DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var certificate = request.CreateSelfSigned(from, to);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static CertificateRequest Leaf(string subject, RSA key, string host)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var ip))
        {
            san.AddIpAddress(ip);
        }
        else
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }
}
