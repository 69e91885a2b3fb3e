using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Core.Security;

/// <summary>
/// Certificate validation against a configured CA file rather than the system store (the cluster CA, the OpenShift
/// service CA, a gateway's own CA): only the given roots are trusted; intermediates the peer presented may complete
/// the path. Revocation is not checked (in-cluster CAs publish no CRL/OCSP endpoints).
/// </summary>
public static class CustomRootChain
{
    /// <summary>The chain policy: only <paramref name="roots"/> are trusted, revocation not checked.</summary>
    public static X509ChainPolicy Policy(X509Certificate2Collection roots)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    public static bool Build(X509Certificate2 leaf, X509Certificate2Collection roots, X509Chain? presented, out X509ChainStatus[] status) =>
        Build(leaf, roots, presented, out status, out _);

    /// <param name="path">The certificates of the path that was built, leaf first.</param>
    public static bool Build(X509Certificate2 leaf, X509Certificate2Collection roots, X509Chain? presented, out X509ChainStatus[] status, out IReadOnlyList<X509Certificate2> path)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy = Policy(roots);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        var built = chain.Build(leaf);
        status = chain.ChainStatus;
        path = [.. chain.ChainElements.Select(e => e.Certificate)];
        return built;
    }
}
