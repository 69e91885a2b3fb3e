using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Simulator;

/// <summary>
/// The simulator's PKI, made in memory at start: one CA that signs every simulated TLS server (API server,
/// gateways, vLLM, Prometheus), and a separate self-signed certificate for the EPP, as GIE creates one when
/// started without <c>--cert-path</c> (tlsutil.CreateSelfSignedTLSCertificate, domain-facts §3.2).
/// </summary>
internal sealed class SimulatorCertificates : IDisposable
{
    private readonly ECDsa _caKey;

    public SimulatorCertificates()
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=llmd-doctor-simulator-ca, O=llm-d doctor simulator", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Server = Issue("CN=llmd-doctor-simulator", ["localhost", "kubernetes.default.svc", "*." + GatewayDomain]);
        EndpointPicker = SelfSigned("CN=epp, O=gateway-api-inference-extension");
    }

    /// <summary>The apps domain of simulated gateway hostnames (generated fleets name their listeners under it); the server certificate names <c>*.</c> of it, as an OpenShift router's wildcard certificate does.</summary>
    public const string GatewayDomain = "apps.llmd-sim.example.com";

    /// <summary>The CA (public part is what <c>CaFile</c> holds).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Leaf for 127.0.0.1 / localhost, signed by <see cref="Ca"/>, used by every simulated TLS server but the EPP.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The EPP's self-signed certificate (not signed by <see cref="Ca"/>).</summary>
    public X509Certificate2 EndpointPicker { get; }

    /// <summary>PEM of the CA certificate.</summary>
    public string CaPem => Ca.ExportCertificatePem();

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        EndpointPicker.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Issue(string subject, string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(San(dnsNames));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        return Exportable(issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(San(["localhost"]));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(29));
        return Exportable(certificate);
    }

    private static X509Extension San(string[] dnsNames)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        return san.Build();
    }

    /// <summary>Kestrel on Linux needs a certificate whose key can be exported to SslStream; a PKCS#12 round trip gives one.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
