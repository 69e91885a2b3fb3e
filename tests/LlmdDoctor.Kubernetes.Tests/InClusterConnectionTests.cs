using LlmdDoctor.Simulator;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class InClusterConnectionTests : IAsyncLifetime
{
    private readonly SimulatorCertificates _pki = new();
    private ApiServerHost _api = null!;
    private DirectoryInfo _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync(_pki.Server);
        _api.Server.Add(Objects.Namespace("llm"));
        _dir = Directory.CreateTempSubdirectory("sa");
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    public enum Rotation
    {
        MtimeChanges,
        AMinutePasses,
        ServerRejectsOldToken,
    }

    [Theory]
    [InlineData(Rotation.MtimeChanges)]
    [InlineData(Rotation.AMinutePasses)]
    [InlineData(Rotation.ServerRejectsOldToken)]
    public async Task Rotated_service_account_token_is_picked_up(Rotation rotation)
    {
        var paths = new InClusterPaths(Path.Combine(_dir.FullName, "token"), Path.Combine(_dir.FullName, "ca.crt"));
        await File.WriteAllTextAsync(paths.CaFile, _pki.CaPem);
        await File.WriteAllTextAsync(paths.TokenFile, "token-1\n");
        var mtime = File.GetLastWriteTimeUtc(paths.TokenFile);
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var env = new Dictionary<string, string?>
        {
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = _api.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _api.Server.Token = "token-1";

        Assert.True(InClusterConnection.IsAvailable(paths, k => env.GetValueOrDefault(k)));
        var connection = InClusterConnection.Create(paths, k => env.GetValueOrDefault(k), time);
        using var client = new KubeClient(connection);
        Assert.Single((await client.ListAsync(KubeResource.Namespaces)).Items);

        await File.WriteAllTextAsync(paths.TokenFile, "token-2\n");
        File.SetLastWriteTimeUtc(paths.TokenFile, rotation == Rotation.MtimeChanges ? mtime.AddSeconds(30) : mtime);
        if (rotation == Rotation.AMinutePasses)
        {
            time.Now += TimeSpan.FromSeconds(61);
        }

        _api.Server.Token = "token-2";
        Assert.Single((await client.ListAsync(KubeResource.Namespaces)).Items);

        Assert.Equal("token-2", _api.BearerTokens().Last());
        Assert.Equal(rotation == Rotation.ServerRejectsOldToken, _api.BearerTokens().Count(t => t == "token-1") == 2);
    }

    [Theory]
    [InlineData("root", true)]
    [InlineData("intermediate-only", true)]
    [InlineData("unrelated", false)]
    public async Task Server_chain_with_an_intermediate_is_validated_against_the_configured_ca_only(string trusted, bool succeeds)
    {
        var (root, intermediate, leaf) = TestCertificates.Chain();
        await using var api = await SimulatedApi.StartAsync(leaf, [intermediate]);
        api.Server.Add(Objects.Namespace("llm"));
        using var unrelated = new SimulatorCertificates();
        var ca = trusted switch
        {
            "root" => root,
            "intermediate-only" => intermediate,
            _ => unrelated.Ca,
        };
        using var client = new KubeClient(new KubeConnection { Server = api.Url, CertificateAuthorities = [ca] });

        var list = client.ListAsync(KubeResource.Namespaces);

        if (succeeds)
        {
            Assert.Single((await list).Items);
        }
        else
        {
            Assert.Contains("TLS handshake failed", (await Assert.ThrowsAsync<KubeUnavailableException>(() => list)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Outside_a_pod_is_not_available_and_create_says_why()
    {
        var paths = new InClusterPaths(Path.Combine(_dir.FullName, "none"), Path.Combine(_dir.FullName, "none.crt"));

        Assert.False(InClusterConnection.IsAvailable(paths, _ => null));
        var ex = Assert.Throws<KubeConfigException>(() => InClusterConnection.Create(paths, _ => null));
        Assert.Contains("KUBERNETES_SERVICE_HOST", ex.Message, StringComparison.Ordinal);
    }
}
