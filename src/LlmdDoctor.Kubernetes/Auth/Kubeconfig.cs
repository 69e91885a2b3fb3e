using System.Security.Cryptography.X509Certificates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// A kubeconfig, merged from one or more files as kubectl does: for each cluster, user and context name
/// and for <c>current-context</c>, the first file that defines it wins. Relative file paths inside a file
/// are resolved against that file's directory.
/// </summary>
public sealed class Kubeconfig
{
    private readonly Dictionary<string, Entry> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _contexts = new(StringComparer.Ordinal);
    private readonly List<string> _files = [];

    private sealed record Entry(YamlMappingNode Body, string Directory);

    /// <summary>The context used when none is named.</summary>
    public string? CurrentContext { get; private set; }

    public IReadOnlyCollection<string> ContextNames => _contexts.Keys;

    /// <summary>
    /// Loads <c>KUBECONFIG</c> (a colon-separated list; missing files are skipped as kubectl does) or
    /// <c>~/.kube/config</c>.
    /// </summary>
    public static Kubeconfig Load(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var list = environment("KUBECONFIG");
        var files = string.IsNullOrWhiteSpace(list)
            ? [Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")]
            : list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var config = new Kubeconfig();
        foreach (var file in files.Where(File.Exists))
        {
            config.Merge(File.ReadAllText(file), Path.GetFullPath(file));
        }

        if (config._files.Count == 0)
        {
            throw new KubeConfigException($"no kubeconfig found (looked at {string.Join(", ", files)}) and not running in a pod");
        }

        return config;
    }

    /// <summary>Parses one kubeconfig text; <paramref name="path"/> names it in errors and anchors relative paths.</summary>
    public static Kubeconfig Parse(string yaml, string path)
    {
        var config = new Kubeconfig();
        config.Merge(yaml, Path.GetFullPath(path));
        return config;
    }

    private void Merge(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new KubeConfigException($"{path}:{ex.Start.Line}:{ex.Start.Column}: invalid kubeconfig YAML: {ex.Message}", ex);
        }

        _files.Add(path);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return;
        }

        var directory = Path.GetDirectoryName(path) ?? ".";
        CurrentContext ??= Scalar(root, "current-context") is { Length: > 0 } current ? current : null;
        Collect(root, "clusters", "cluster", _clusters, directory);
        Collect(root, "users", "user", _users, directory);
        Collect(root, "contexts", "context", _contexts, directory);
    }

    private static void Collect(YamlMappingNode root, string listKey, string bodyKey, Dictionary<string, Entry> into, string directory)
    {
        if (Child(root, listKey) is not YamlSequenceNode list)
        {
            return;
        }

        foreach (var item in list.OfType<YamlMappingNode>())
        {
            if (Scalar(item, "name") is { Length: > 0 } name && Child(item, bodyKey) is YamlMappingNode body)
            {
                into.TryAdd(name, new Entry(body, directory));
            }
        }
    }

    /// <summary>The connection for <paramref name="contextName"/>, or for the current context.</summary>
    public KubeConnection Connection(string? contextName = null, TimeProvider? time = null)
    {
        var name = contextName ?? CurrentContext
            ?? throw new KubeConfigException($"the kubeconfig ({string.Join(", ", _files)}) has no current-context; pass --context");
        if (!_contexts.TryGetValue(name, out var context))
        {
            throw new KubeConfigException($"context \"{name}\" is not in the kubeconfig ({string.Join(", ", _files)})");
        }

        var clusterName = Scalar(context.Body, "cluster") ?? "";
        if (!_clusters.TryGetValue(clusterName, out var cluster))
        {
            throw new KubeConfigException($"context \"{name}\" names cluster \"{clusterName}\", which is not in the kubeconfig");
        }

        var server = Scalar(cluster.Body, "server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
        {
            throw new KubeConfigException($"cluster \"{clusterName}\" has no valid server URL");
        }

        var userName = Scalar(context.Body, "user") ?? "";
        var credentials = _users.TryGetValue(userName, out var user)
            ? Credentials(userName, user, time)
            : new StaticCredentialSource(KubeCredential.None);

        return new KubeConnection
        {
            Server = serverUri,
            CertificateAuthorities = CertificateAuthorities(clusterName, cluster),
            InsecureSkipTlsVerify = Scalar(cluster.Body, "insecure-skip-tls-verify") is "true",
            TlsServerName = Scalar(cluster.Body, "tls-server-name"),
            Credentials = credentials,
            Origin = $"kubeconfig context \"{name}\"",
        };
    }

    private static X509Certificate2Collection? CertificateAuthorities(string clusterName, Entry cluster)
    {
        var what = $"certificate authority of cluster \"{clusterName}\"";
        if (Scalar(cluster.Body, "certificate-authority-data") is { Length: > 0 } data)
        {
            return Pem.Certificates(Pem.FromBase64(data, what), what);
        }

        if (Scalar(cluster.Body, "certificate-authority") is { Length: > 0 } file)
        {
            return Pem.Certificates(ReadFile(Resolve(file, cluster.Directory), what), what);
        }

        return null;
    }

    private static IKubeCredentialSource Credentials(string userName, Entry user, TimeProvider? time)
    {
        var body = user.Body;
        if (Child(body, "exec") is YamlMappingNode exec)
        {
            return new ExecCredentialSource(ExecConfig(userName, exec, user.Directory), time);
        }

        if (Child(body, "auth-provider") is not null)
        {
            throw new KubeConfigException($"kubeconfig user \"{userName}\" uses a legacy auth-provider, which is not supported; use an exec plugin or a token");
        }

        var certificate = ClientCertificate(userName, user);
        if (Scalar(body, "token") is { Length: > 0 } token)
        {
            return new StaticCredentialSource(new KubeCredential(token, certificate));
        }

        if (Scalar(body, "tokenFile") is { Length: > 0 } tokenFile)
        {
            return new TokenFileCredentialSource(Resolve(tokenFile, user.Directory), certificate, time);
        }

        if (Scalar(body, "username") is { Length: > 0 })
        {
            throw new KubeConfigException($"kubeconfig user \"{userName}\" uses basic authentication, which is not supported");
        }

        return new StaticCredentialSource(new KubeCredential(null, certificate));
    }

    private static X509Certificate2? ClientCertificate(string userName, Entry user)
    {
        var what = $"client certificate of kubeconfig user \"{userName}\"";
        var certificate = PemField(user, "client-certificate-data", "client-certificate", what);
        var key = PemField(user, "client-key-data", "client-key", $"client key of kubeconfig user \"{userName}\"");
        return (certificate, key) switch
        {
            (null, null) => null,
            ({ } c, { } k) => Pem.ClientCertificate(c, k, what),
            _ => throw new KubeConfigException($"kubeconfig user \"{userName}\" needs both a client certificate and a client key"),
        };
    }

    private static string? PemField(Entry entry, string dataKey, string fileKey, string what)
    {
        if (Scalar(entry.Body, dataKey) is { Length: > 0 } data)
        {
            return Pem.FromBase64(data, what);
        }

        return Scalar(entry.Body, fileKey) is { Length: > 0 } file ? ReadFile(Resolve(file, entry.Directory), what) : null;
    }

    private static ExecPluginConfig ExecConfig(string userName, YamlMappingNode exec, string directory)
    {
        var command = Scalar(exec, "command");
        if (string.IsNullOrEmpty(command))
        {
            throw new KubeConfigException($"kubeconfig user \"{userName}\" has an exec stanza without a command");
        }

        // client-go resolves the command against the kubeconfig's directory only when it contains a path separator.
        if (command.Contains('/', StringComparison.Ordinal))
        {
            command = Resolve(command, directory);
        }

        var args = Child(exec, "args") is YamlSequenceNode a ? a.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(exec, "env") is YamlSequenceNode e)
        {
            foreach (var pair in e.OfType<YamlMappingNode>())
            {
                if (Scalar(pair, "name") is { Length: > 0 } key)
                {
                    env[key] = Scalar(pair, "value") ?? "";
                }
            }
        }

        var apiVersion = Scalar(exec, "apiVersion") ?? "";
        if (apiVersion is not ("client.authentication.k8s.io/v1" or "client.authentication.k8s.io/v1beta1"))
        {
            throw new KubeConfigException($"kubeconfig user \"{userName}\": exec apiVersion \"{apiVersion}\" is not supported (use client.authentication.k8s.io/v1 or v1beta1)");
        }

        return new ExecPluginConfig(userName, command, args, env, apiVersion, Scalar(exec, "installHint"));
    }

    private static string Resolve(string path, string directory) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{what}: cannot read {path}: {ex.Message}", ex);
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;
}
