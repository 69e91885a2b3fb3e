using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>
/// Who may ask: kube-apiserver's authenticators tried in turn until one accepts the request (union, not fail-on-error:
/// kubernetes staging/src/k8s.io/apiserver/pkg/authentication/request/union/union.go@2af2c5538aa0). A client certificate
/// counts when it verifies against <see cref="ClientCertificateAuthorities"/> for client authentication; a presented
/// certificate that does not verify is an error the chain records and moves past, so a valid bearer token still
/// authenticates (x509/x509.go@04bbfcef9d8c, Authenticator.AuthenticateRequest). A request no authenticator accepts gets
/// 401 (the fault matrix wants 401 where the real server would fall back to anonymous).
/// </summary>
internal sealed partial class SimulatedApiServer
{
    /// <summary>
    /// The client CA bundle (<c>--client-ca-file</c>); null or empty = client certificates authenticate no one, as in
    /// kube-apiserver without a client CA. The TLS listener must ask for client certificates (<see cref="ApiServerHost"/> does).
    /// </summary>
    public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }

    private async Task<bool> AuthenticatedAsync(HttpContext context, string authorization)
    {
        if (Token is not { } token || authorization == "Bearer " + token)
        {
            return true;
        }

        return ClientCertificateAuthorities is { Count: > 0 } authorities
            && await context.Connection.GetClientCertificateAsync(context.RequestAborted).ConfigureAwait(false) is { } certificate
            && VerifiesForClientAuth(certificate, authorities);
    }

    /// <summary>x509.Certificate.Verify with the client CA as roots and <c>ExtKeyUsageClientAuth</c> (x509.go DefaultVerifyOptions).</summary>
    private static bool VerifiesForClientAuth(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = Core.Security.CustomRootChain.Policy(authorities);
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }
}
