using System.Diagnostics;

namespace LlmdDoctor.Kubernetes.Tests;

/// <summary>The real kubectl talks to the simulated API server: proof that its discovery, lists and Tables are what Kubernetes sends.</summary>
public sealed class KubectlAgainstSimulatedApiTests
{
    private const string Kubectl = "/usr/bin/kubectl";

    [KubectlTheory]
    [InlineData("gateways", "-A", new[] { "openshift-ingress", "openshift-ai-inference", "maas-gateway" })]
    [InlineData("inferencepools.inference.networking.x-k8s.io", "-n my-first-model", new[] { "qwen3-0-6b-inference-pool" })]
    [InlineData("pods", "-n my-first-model -l app=vllm", new[] { "vllm-0" })]
    public async Task Kubectl_get_lists_the_simulated_objects(string resource, string scope, string[] expected)
    {
        await using var api = await SimulatedApi.StartAsync();
        api.AddAll(
        [
            Objects.Gateway("openshift-ingress", "openshift-ai-inference"),
            Objects.Gateway("openshift-ingress", "maas-gateway"),
            Objects.PoolV1Alpha2("my-first-model", "qwen3-0-6b-inference-pool"),
            Objects.Pod("my-first-model", "vllm-0", ("app", "vllm")),
            Objects.Pod("my-first-model", "epp-0", ("app", "epp")),
        ]);
        var cache = Directory.CreateTempSubdirectory("kubectl-cache");
        try
        {
            var (exit, stdout, stderr) = await RunAsync(
                $"--server {api.Url} --cache-dir {cache.FullName} --request-timeout 10s get {resource} {scope}");

            Assert.True(exit == 0, $"kubectl exited {exit}: {stderr}");
            foreach (var text in expected)
            {
                Assert.Contains(text, stdout, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("epp-0", resource == "pods" ? stdout : "", StringComparison.Ordinal);
            Assert.Contains(api.Server.Requests, r => r.PathAndQuery.StartsWith("/apis?", StringComparison.Ordinal));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    /// <summary>Skips (with the reason) only when kubectl is not installed.</summary>
    private sealed class KubectlTheoryAttribute : TheoryAttribute
    {
        public KubectlTheoryAttribute()
        {
            if (!File.Exists(Kubectl))
            {
                Skip = $"kubectl is not installed at {Kubectl}: cannot prove the simulated API server against the real client";
            }
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo(Kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KUBECONFIG"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
