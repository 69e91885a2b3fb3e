using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>A self-signed server certificate like the EPP's default one, written as PEM files for the Python server.</summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(string directory, string subject)
    {
        Directory = directory;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CertFile = Path.Combine(directory, $"{subject}.crt");
        KeyFile = Path.Combine(directory, $"{subject}.key");
        File.WriteAllText(CertFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        Sha256 = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    public string Directory { get; }
    public string CertFile { get; }
    public string KeyFile { get; }
    public string Sha256 { get; }

    public static TestCertificate Create(string subject)
    {
        var dir = Path.Combine(Path.GetTempPath(), "llmd-grpc-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return new TestCertificate(dir, subject);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
