using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Kubernetes;

/// <summary>What authenticates one request: a bearer token, a client certificate (with key), or both.</summary>
public sealed class KubeCredential
{
    public static KubeCredential None { get; } = new(null, null);

    public KubeCredential(string? bearerToken, X509Certificate2? clientCertificate)
    {
        BearerToken = bearerToken;
        ClientCertificate = clientCertificate;
    }

    public string? BearerToken { get; }
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Never prints the token.</summary>
    public override string ToString() =>
        $"KubeCredential(token: {(BearerToken is null ? "none" : "set")}, client certificate: {ClientCertificate?.Subject ?? "none"})";
}

/// <summary>Supplies the current credential; implementations refresh rotating tokens and plugin output.</summary>
public interface IKubeCredentialSource
{
    /// <summary>The credential to use for the next request.</summary>
    ValueTask<KubeCredential> GetAsync(CancellationToken cancellationToken);

    /// <summary>The server answered 401 with the last credential: drop any cache so the next call fetches afresh.</summary>
    void Invalidate();
}

/// <summary>A fixed token and/or client certificate (kubeconfig <c>token</c>, <c>client-certificate-data</c>).</summary>
public sealed class StaticCredentialSource(KubeCredential credential) : IKubeCredentialSource
{
    public ValueTask<KubeCredential> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credential);

    public void Invalidate()
    {
    }
}
