using System.Security.Cryptography.X509Certificates;
using LlmdDoctor.Simulator;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class KubeconfigTests : IAsyncLifetime
{
    private const string Token = "sha256~kubeconfig-token";
    private readonly SimulatorCertificates _pki = new();
    private ApiServerHost _api = null!;
    private DirectoryInfo _dir = null!;
    private string _caData = "";
    private (string CertificatePem, string KeyPem) _client;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync(_pki.Server);
        _api.Server.Add(Objects.Namespace("llm"));
        _dir = Directory.CreateTempSubdirectory("kubeconfig");
        _caData = TestCertificates.Base64(_pki.CaPem);
        _client = TestCertificates.Client();
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "ca.crt"), _pki.CaPem);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "token"), Token);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "client.crt"), _client.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "client.key"), _client.KeyPem);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    private string Config(string cluster, string user) => $"""
        apiVersion: v1
        kind: Config
        current-context: fake
        clusters:
        - name: fake-cluster
          cluster:
            server: {_api.Url}
        {Indent(cluster, 4)}
        users:
        - name: doctor
          user:
        {Indent(user, 4)}
        contexts:
        - name: fake
          context:
            cluster: fake-cluster
            user: doctor
            namespace: llm
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>
    /// From now on a request is authenticated only by a client certificate the server's client CA (the test's
    /// self-signed client certificate) verifies: the token is one no kubeconfig here sends.
    /// </summary>
    private void RequireClientCertificate()
    {
        _api.Server.Token = "a-token-no-kubeconfig-sends";
        _api.Server.ClientCertificateAuthorities = [X509Certificate2.CreateFromPem(_client.CertificatePem)];
    }

    private async Task<int> ListWithAsync(string yaml)
    {
        var path = Path.Combine(_dir.FullName, "config");
        await File.WriteAllTextAsync(path, yaml);
        var connection = Kubeconfig.Load(k => k == "KUBECONFIG" ? path : null).Connection();
        using var client = new KubeClient(connection, new KubeClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        return (await client.ListAsync(KubeResource.Namespaces)).Items.Count;
    }

    public enum Auth
    {
        TokenAndCaData,
        TokenFileAndCaFile,
        ClientCertData,
        ClientCertFiles,
        InsecureSkipVerify,
    }

    [Theory]
    [InlineData(Auth.TokenAndCaData)]
    [InlineData(Auth.TokenFileAndCaFile)]
    [InlineData(Auth.ClientCertData)]
    [InlineData(Auth.ClientCertFiles)]
    [InlineData(Auth.InsecureSkipVerify)]
    public async Task Kubeconfig_credentials_and_trust_reach_the_server(Auth auth)
    {
        var (cluster, user) = auth switch
        {
            Auth.TokenAndCaData => ($"certificate-authority-data: {_caData}", $"token: {Token}"),
            Auth.TokenFileAndCaFile => ("certificate-authority: ca.crt", "tokenFile: token"),
            Auth.ClientCertData => ($"certificate-authority-data: {_caData}",
                $"client-certificate-data: {TestCertificates.Base64(_client.CertificatePem)}\nclient-key-data: {TestCertificates.Base64(_client.KeyPem)}"),
            Auth.ClientCertFiles => ("certificate-authority: ca.crt", "client-certificate: client.crt\nclient-key: client.key"),
            _ => ("insecure-skip-tls-verify: true", $"token: {Token}"),
        };
        var usesCertificate = auth is Auth.ClientCertData or Auth.ClientCertFiles;
        if (usesCertificate)
        {
            RequireClientCertificate();
        }
        else
        {
            _api.Server.Token = Token;
        }

        Assert.Equal(1, await ListWithAsync(Config(cluster, user)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("other-ca")]
    public async Task Server_certificate_not_signed_by_the_trusted_ca_fails_the_tls_handshake(string ca)
    {
        using var other = new SimulatorCertificates();
        var cluster = ca.Length == 0 ? "" : $"certificate-authority-data: {TestCertificates.Base64(other.CaPem)}";

        var ex = await Assert.ThrowsAsync<KubeUnavailableException>(() => ListWithAsync(Config(cluster, $"token: {Token}")));

        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_api.Url.Authority, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
    }

    private string Plugin(string name, string body)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    [Theory]
    [InlineData("client.authentication.k8s.io/v1", null, 1)]
    [InlineData("client.authentication.k8s.io/v1beta1", null, 1)]
    [InlineData("client.authentication.k8s.io/v1", "2020-01-01T00:00:00Z", 2)]
    [InlineData("client.authentication.k8s.io/v1", "2999-01-01T00:00:00Z", 1)]
    public async Task Exec_plugin_token_is_used_and_cached_until_it_expires(string apiVersion, string? expires, int expectedRuns)
    {
        var runs = Path.Combine(_dir.FullName, "runs");
        var expiry = expires is null ? "" : $",\"expirationTimestamp\":\"{expires}\"";
        var plugin = Plugin("token-plugin", $$$"""
            echo run >> {{{runs}}}
            case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) exit 7;; esac
            echo '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"'"$PLUGIN_PREFIX$1"'"{{{expiry}}}}}'
            """);
        _api.Server.Token = "from-plugin-arg";
        var user = $"""
            exec:
              apiVersion: {apiVersion}
              command: ./{Path.GetFileName(plugin)}
              args: ["arg"]
              env:
              - name: PLUGIN_PREFIX
                value: from-plugin-
            """;
        var path = Path.Combine(_dir.FullName, "config");
        await File.WriteAllTextAsync(path, Config($"certificate-authority-data: {_caData}", user));
        using var client = new KubeClient(Kubeconfig.Load(k => k == "KUBECONFIG" ? path : null).Connection());

        await client.ListAsync(KubeResource.Namespaces);
        await client.ListAsync(KubeResource.Namespaces);

        Assert.Equal(expectedRuns, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public async Task Exec_plugin_client_certificate_is_presented()
    {
        var credential = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "client.authentication.k8s.io/v1",
            ["kind"] = "ExecCredential",
            ["status"] = new System.Text.Json.Nodes.JsonObject
            {
                ["clientCertificateData"] = _client.CertificatePem,
                ["clientKeyData"] = _client.KeyPem,
            },
        };
        var json = Path.Combine(_dir.FullName, "credential.json");
        await File.WriteAllTextAsync(json, credential.ToJsonString());
        var plugin = Plugin("cert-plugin", $"cat {json}");
        RequireClientCertificate();

        var count = await ListWithAsync(Config($"certificate-authority-data: {_caData}", $"exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: {plugin}"));

        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData("gke-gcloud-auth-plugin-not-installed", "was not found", "Install it with: gcloud components install")]
    [InlineData("./bad-output-plugin", "not an ExecCredential", null)]
    [InlineData("./failing-plugin", "exited with code 3: login required", null)]
    public async Task Broken_exec_plugin_gives_a_clear_error_naming_the_plugin_and_user(string command, string expected, string? hint)
    {
        Plugin("bad-output-plugin", "echo 'token: secret-looking-output'");
        Plugin("failing-plugin", "echo 'login required' >&2; exit 3");
        var hintLine = hint is null ? "" : $"\n  installHint: \"{hint}\"";

        var ex = await Assert.ThrowsAsync<KubeConfigException>(() =>
            ListWithAsync(Config($"certificate-authority-data: {_caData}", $"exec:\n  apiVersion: client.authentication.k8s.io/v1\n  command: {command}{hintLine}")));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(command), ex.Message, StringComparison.Ordinal);
        Assert.Contains("user \"doctor\"", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-looking-output", ex.Message, StringComparison.Ordinal);
        if (hint is not null)
        {
            Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Several_files_merge_with_the_first_definition_winning()
    {
        var first = Path.Combine(_dir.FullName, "first");
        var second = Path.Combine(_dir.FullName, "second");
        File.WriteAllText(first, """
            current-context: a
            clusters:
            - name: shared
              cluster: {server: "https://first.example:6443"}
            contexts:
            - name: a
              context: {cluster: shared, user: u}
            """);
        File.WriteAllText(second, """
            current-context: b
            clusters:
            - name: shared
              cluster: {server: "https://second.example:6443"}
            - name: only-second
              cluster: {server: "https://only-second.example:6443"}
            contexts:
            - name: b
              context: {cluster: only-second, user: u}
            users:
            - name: u
              user: {token: abc}
            """);

        var config = Kubeconfig.Load(k => k == "KUBECONFIG" ? $"{first}:{Path.Combine(_dir.FullName, "missing")}:{second}" : null);

        Assert.Equal("a", config.CurrentContext);
        Assert.Equal("https://first.example:6443/", config.Connection().Server.ToString());
        Assert.Equal("https://only-second.example:6443/", config.Connection("b").Server.ToString());
        Assert.Contains("context \"b\"", config.Connection("b").Origin, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("current-context: nope\ncontexts: []", null, "context \"nope\" is not in the kubeconfig")]
    [InlineData("contexts: []", null, "has no current-context")]
    [InlineData("contexts:\n- name: x\n  context: {cluster: gone}", "x", "names cluster \"gone\"")]
    [InlineData("clusters: [\n", null, "invalid kubeconfig YAML")]
    public void Unusable_kubeconfig_says_what_is_wrong(string yaml, string? context, string expected)
    {
        var ex = Assert.Throws<KubeConfigException>(() => Kubeconfig.Parse(yaml, Path.Combine(_dir.FullName, "c")).Connection(context));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
