namespace LlmdDoctor.Kubernetes;

/// <summary>Where a pod finds its service account; overridable so tests can point at temp files.</summary>
public sealed record InClusterPaths(string TokenFile, string CaFile)
{
    public static InClusterPaths Default { get; } = new(
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
}

/// <summary>
/// Settings of a process running in a pod: <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>, the mounted CA and
/// the service account token (re-read as the kubelet rotates it).
/// </summary>
public static class InClusterConnection
{
    public static bool IsAvailable(InClusterPaths? paths = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) && File.Exists((paths ?? InClusterPaths.Default).TokenFile);
    }

    public static KubeConnection Create(InClusterPaths? paths = null, Func<string, string?>? environment = null, TimeProvider? time = null)
    {
        paths ??= InClusterPaths.Default;
        environment ??= Environment.GetEnvironmentVariable;
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("not running in a pod: KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is not set");
        }

        // An IPv6 service host needs brackets in a URL.
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        string caPem;
        try
        {
            caPem = File.ReadAllText(paths.CaFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"cannot read the service account CA {paths.CaFile}: {ex.Message}", ex);
        }

        return new KubeConnection
        {
            Server = new Uri($"https://{authority}"),
            CertificateAuthorities = Pem.Certificates(caPem, paths.CaFile),
            Credentials = new TokenFileCredentialSource(paths.TokenFile, time: time),
            Origin = "in-cluster service account",
        };
    }
}
