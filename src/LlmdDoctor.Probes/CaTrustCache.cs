using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Probes;

/// <summary>
/// The CA files of one prober's lifetime (one cycle), each read once and turned into a chain policy that trusts only
/// its CAs. Handed to the handshake (<c>SslClientAuthenticationOptions.CertificateChainPolicy</c>), .NET builds the
/// server's chain once against these roots; without it, it builds against the system store (every system root put
/// into a fresh OpenSSL store per handshake) and the doctor then built a second chain against the CA file it had
/// re-read from disk. A CA file replaced on disk is read again by the next cycle's prober.
/// </summary>
internal sealed class CaTrustCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<CaTrust>> _files = new(StringComparer.Ordinal);

    public CaTrust For(string caFile) => _files.GetOrAdd(caFile, f => new Lazy<CaTrust>(() => CaTrust.Read(f))).Value;

    public void Dispose()
    {
        foreach (var file in _files.Values.Where(l => l.IsValueCreated))
        {
            file.Value.Dispose();
        }
    }
}

/// <summary>One CA file: a chain policy trusting only its certificates, or why it could not be read.</summary>
internal sealed class CaTrust : IDisposable
{
    private readonly X509Certificate2Collection _roots;

    private CaTrust(X509Certificate2Collection roots, X509ChainPolicy? policy, string? readError) =>
        (_roots, Policy, ReadError) = (roots, policy, readError);

    /// <summary>Only the file's CAs are trusted, revocation not checked (<see cref="Core.Security.CustomRootChain.Policy"/>); null when unreadable.</summary>
    public X509ChainPolicy? Policy { get; }

    public string? ReadError { get; }

    public static CaTrust Read(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return new CaTrust(roots, null, ex.Message);
        }

        return new CaTrust(roots, Core.Security.CustomRootChain.Policy(roots), null);
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            root.Dispose();
        }
    }
}
