using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Where the API server is and how to trust and authenticate to it. Built by
/// <see cref="InClusterConnection"/> or <see cref="Kubeconfig"/>, or by hand in tests.
/// </summary>
public sealed record KubeConnection
{
    /// <summary>The API server base URL, e.g. <c>https://10.0.0.1:443</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>When set, the server chain must end in one of these (and only these) roots.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>Accept any server certificate (kubeconfig <c>insecure-skip-tls-verify</c>).</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Overrides the name checked against the server certificate (kubeconfig <c>tls-server-name</c>).</summary>
    public string? TlsServerName { get; init; }

    public IKubeCredentialSource Credentials { get; init; } = new StaticCredentialSource(KubeCredential.None);

    /// <summary>Where the settings came from, for messages: "in-cluster service account", "kubeconfig context prod".</summary>
    public string Origin { get; init; } = "";

    /// <summary>
    /// In-cluster settings when running in a pod, else the kubeconfig (<c>KUBECONFIG</c> or <c>~/.kube/config</c>)
    /// with <paramref name="context"/> or its current-context. An explicit context always means kubeconfig.
    /// </summary>
    public static KubeConnection Discover(string? context = null) => Discover(context, null, kubeconfigGiven: false);

    /// <param name="environment">Where <c>KUBECONFIG</c>, <c>HOME</c> and the in-cluster variables are read (the process by default).</param>
    /// <param name="kubeconfigGiven">The user named a kubeconfig explicitly (<c>--kubeconfig</c>): never use in-cluster settings.</param>
    public static KubeConnection Discover(string? context, Func<string, string?>? environment, bool kubeconfigGiven) =>
        context is null && !kubeconfigGiven && InClusterConnection.IsAvailable(environment: environment)
            ? InClusterConnection.Create(environment: environment)
            : Kubeconfig.Load(environment).Connection(context);
}
