using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Kubernetes;

/// <summary>PEM certificates and keys from kubeconfig fields and plugin output.</summary>
internal static class Pem
{
    /// <summary>A client certificate with its private key; <paramref name="what"/> names the source in errors (never the key).</summary>
    public static X509Certificate2 ClientCertificate(string certificatePem, string keyPem, string what)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);

            // SslStream on Linux cannot always use an ephemeral key for client authentication: re-import as PKCS#12.
            var pfx = certificate.Export(X509ContentType.Pkcs12);
            certificate.Dispose();
            return X509CertificateLoader.LoadPkcs12(pfx, null);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConfigException($"{what}: the client certificate or key is not valid PEM ({ex.Message})", ex);
        }
    }

    /// <summary>All certificates of a PEM bundle (a CA file may hold several).</summary>
    public static X509Certificate2Collection Certificates(string pem, string what)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new KubeConfigException($"{what}: not a valid PEM certificate ({ex.Message})", ex);
        }

        if (collection.Count == 0)
        {
            throw new KubeConfigException($"{what}: no PEM certificate found");
        }

        return collection;
    }

    /// <summary>Decodes a kubeconfig <c>*-data</c> field (base64 of PEM).</summary>
    public static string FromBase64(string data, string what)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        }
        catch (FormatException ex)
        {
            throw new KubeConfigException($"{what} is not valid base64", ex);
        }
    }
}
