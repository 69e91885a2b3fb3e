using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Envoy.Grpc;

/// <summary>Server certificate validation for one connection; remembers why it last rejected a certificate.</summary>
internal sealed class GrpcTlsValidator
{
    private readonly GrpcTlsOptions _options;
    private readonly X509Certificate2Collection? _trustedCas;
    private readonly string? _pin;
    private string? _lastFailure;

    public GrpcTlsValidator(GrpcTlsOptions options)
    {
        _options = options;
        if (!options.InsecureSkipVerify && options.PinnedSha256 is null && options.CaFile is not null)
        {
            _trustedCas = [];
            _trustedCas.ImportFromPemFile(options.CaFile);
            if (_trustedCas.Count == 0)
            {
                throw new ArgumentException($"CA file {options.CaFile} contains no PEM certificate", nameof(options));
            }
        }
        _pin = options.PinnedSha256 is null ? null : NormalizeHex(options.PinnedSha256);
    }

    /// <summary>Why the last certificate was rejected, or null.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    public bool Validate(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (_options.InsecureSkipVerify)
        {
            return true;
        }
        if (certificate is null)
        {
            return Reject("the server sent no certificate");
        }
        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        var leaf = owned ?? (X509Certificate2)certificate;
        var fingerprint = Convert.ToHexString(leaf.GetCertHash(HashAlgorithmName.SHA256));
        var who = $"server certificate '{leaf.Subject}' (sha256 {fingerprint})";

        if (_pin is not null)
        {
            return fingerprint == _pin || Reject($"{who} does not match the pinned SHA-256 fingerprint");
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Reject($"{who} does not match the host name");
        }
        if (_trustedCas is not null)
        {
            return Core.Security.CustomRootChain.Build(leaf, _trustedCas, presentedChain, out var status)
                || Reject($"{who} is not trusted by the CA file: {Describe(status)}");
        }
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        var reason = presentedChain is null ? errors.ToString() : Describe(presentedChain.ChainStatus);
        return Reject($"{who} rejected: {reason}; trust it with a CA file, pin its SHA-256, or skip verification explicitly");
    }

    private bool Reject(string reason)
    {
        Volatile.Write(ref _lastFailure, reason);
        return false;
    }

    private static string Describe(X509ChainStatus[] statuses)
    {
        var reasons = new List<string>();
        foreach (var status in statuses)
        {
            reasons.Add(status.Status switch
            {
                X509ChainStatusFlags.UntrustedRoot => "certificate is self-signed / untrusted root",
                X509ChainStatusFlags.PartialChain => "certificate chain does not lead to a trusted CA",
                X509ChainStatusFlags.NotTimeValid => "certificate expired or not yet valid",
                X509ChainStatusFlags.NotSignatureValid => "certificate signature is invalid",
                X509ChainStatusFlags.NotValidForUsage => "certificate not valid for server authentication",
                _ => $"{status.Status}: {status.StatusInformation.Trim()}",
            });
        }
        return reasons.Count == 0 ? "chain validation failed" : string.Join("; ", reasons.Distinct());
    }

    private static string NormalizeHex(string hex) => hex.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
