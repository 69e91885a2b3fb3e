using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Probes.Tests;

/// <summary>Certificates for the local HTTPS gateways: an expired self-signed one, and a CA with a valid leaf for localhost/127.0.0.1.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 ExpiredSelfSigned() =>
        Leaf("CN=expired.gateway.test", null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));

    public static (X509Certificate2 Ca, X509Certificate2 Leaf) CaAndLeaf()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=llmd-doctor test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (ca, Leaf("CN=localhost", ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10)));
    }

    public static string WritePem(X509Certificate2 cert)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmd-doctor-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, cert.ExportCertificatePem());
        return path;
    }

    private static X509Certificate2 Leaf(string subject, X509Certificate2? issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        X509Certificate2 cert;
        if (issuer is null)
        {
            cert = request.CreateSelfSigned(notBefore, notAfter);
        }
        else
        {
            using var issued = request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
            cert = issued.CopyWithPrivateKey(key);
        }

        // Round-trip through PKCS#12 so the server side gets a persisted private key on every platform.
        using (cert)
        {
            return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
        }
    }
}
