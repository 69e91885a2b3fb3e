using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// A bearer token read from a file (service account token, kubeconfig <c>tokenFile</c>). Bound service
/// account tokens are rotated by the kubelet in place, so the file is re-read when its modification time
/// changes and at least once a minute (the kubelet may replace the file through a symlink swap that keeps
/// the old mtime visible for a moment).
/// </summary>
public sealed class TokenFileCredentialSource : IKubeCredentialSource
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly string _path;
    private readonly X509Certificate2? _clientCertificate;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private KubeCredential? _current;
    private DateTime _mtime;
    private DateTimeOffset _readAt;

    public TokenFileCredentialSource(string path, X509Certificate2? clientCertificate = null, TimeProvider? time = null)
    {
        _path = path;
        _clientCertificate = clientCertificate;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The token file's path (for messages; the token itself is never shown).</summary>
    public string Path => _path;

    public ValueTask<KubeCredential> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var mtime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : default;
            if (_current is null || mtime != _mtime || now - _readAt >= MaxAge)
            {
                string token;
                try
                {
                    token = File.ReadAllText(_path).Trim();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new KubeConfigException($"cannot read the token file {_path}: {ex.Message}", ex);
                }

                if (token.Length == 0)
                {
                    throw new KubeConfigException($"the token file {_path} is empty");
                }

                _current = new KubeCredential(token, _clientCertificate);
                _mtime = mtime;
                _readAt = now;
            }

            return ValueTask.FromResult(_current);
        }
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _current = null;
        }
    }
}
