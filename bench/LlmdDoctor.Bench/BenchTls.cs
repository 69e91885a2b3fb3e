using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Bench;

/// <summary>
/// The bench's own certificate authority for the HTTPS probe comparison: a self-signed RSA 2048 CA (as OpenShift's
/// service CA signs gateway and vLLM serving certificates) and a server certificate for 127.0.0.1/localhost it signs.
/// The CA goes to <c>ca.pem</c>, which the doctor (<c>CaFile</c>) and blackbox_exporter (<c>tls_config.ca_file</c>) both trust.
/// </summary>
public static class BenchTls
{
    public static X509Certificate2 CreateServerCertificate(string dir)
    {
        Directory.CreateDirectory(dir);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=llmd-doctor bench CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
