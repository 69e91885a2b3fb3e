using System.Net;
using System.Net.Sockets;

namespace LlmdDoctor.Tests.Cli;

public sealed class ClusterAccessTests
{
    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Kubeconfig(string server)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("llmd-kube-").FullName, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: c, cluster: {"{"}server: "{server}"{"}"}{"}"}]
            users: [{"{"}name: u, user: {"{"}token: not-a-real-token{"}"}{"}"}]
            contexts: [{"{"}name: ctx, context: {"{"}cluster: c, user: u{"}"}{"}"}]
            current-context: ctx
            """);
        return path;
    }

    [Theory]
    [InlineData("check")]
    [InlineData("collect")]
    public async Task An_unreachable_api_server_exits_3_with_the_url_and_the_reason(string command)
    {
        var server = $"http://127.0.0.1:{ClosedPort()}";
        var config = Kubeconfig(server);
        string[] args = command == "collect"
            ? ["collect", Path.Combine(Path.GetTempPath(), "llmd-collect-" + Guid.NewGuid().ToString("N")), "--kubeconfig", config]
            : ["check", "--kubeconfig", config];
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"127.0.0.1:", result.Error);
        Assert.Contains("refused", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-a-real-token", result.Error);
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_a_usage_error_naming_where_it_looked()
    {
        var result = await CliRunner.RunAsync(["check", "--kubeconfig", "/nonexistent/kubeconfig"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/kubeconfig", result.Error);
    }

    [Fact]
    public async Task An_unknown_context_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["check", "--kubeconfig", Kubeconfig("http://127.0.0.1:1"), "--context", "nope"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope", result.Error);
    }
}
