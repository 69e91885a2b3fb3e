using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Simulator;
using LlmdDoctor.Tests.Cli;

namespace LlmdDoctor.Tests.Demo;

/// <summary>
/// <c>fix --gateway</c> against the live simulated seed cluster: maas-gateway, whose EPP stream fails TLS and whose
/// body is lost on fail-open, gets the EPP trust fix and the fail-closed stop-gap, never BUFFERED; the gateway that
/// already runs BUFFERED in front of the streaming llm-d scheduler is told to delete that override (LLMD0306).
/// </summary>
public sealed class FixEndToEndTests
{
    [Fact]
    public async Task Fix_prints_the_remedy_of_each_gateway_from_a_live_run()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));

        var maas = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/maas-gateway", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(maas.ExitCode == 0, maas.Error);
        var docs = YamlJson.ParseDocuments(maas.Out).Select(d => d!.AsObject()).ToList();
        Assert.Equal(["DestinationRule", "EnvoyFilter"], docs.Select(d => (string?)d["kind"]));
        Assert.Equal("SIMPLE", (string?)docs[0]["spec"]!["trafficPolicy"]!["tls"]!["mode"]);
        Assert.True((bool)docs[0]["spec"]!["trafficPolicy"]!["tls"]!["insecureSkipVerify"]!);
        Assert.False((bool)docs[1]["spec"]!["configPatches"]![0]!["patch"]!["value"]!["typed_config"]!["failure_mode_allow"]!);
        Assert.DoesNotContain("\"BUFFERED\"", maas.Out, StringComparison.Ordinal);

        var buffered = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/openshift-ai-inference", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(buffered.ExitCode == 0, buffered.Error);
        Assert.Contains("kubectl delete envoyfilter fix-extproc-body-mode -n openshift-ingress", buffered.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 15's acceptance: what <c>fix --gateway openshift-ingress/maas-gateway</c> prints, applied as a user would
    /// (<c>kubectl apply -f -</c>), puts the Endpoint Picker in the loop — chat and completions answer 200 with the
    /// EPP's response marker — and the BUFFERED override on openshift-ai-inference then stalls each POST until
    /// message_timeout and is reported as LLMD0306. The timeout is shortened the way a cluster would be changed (an
    /// EnvoyFilter on the ext_proc filter), never by a switch in the simulator.
    /// </summary>
    [Fact]
    public async Task The_printed_fix_applied_to_the_seed_puts_the_epp_in_the_loop_and_the_buffered_gateway_is_LLMD0306()
    {
        await using var cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load("seed-rhoai"));
        var fix = await CliRunner.RunAsync(["fix", "--gateway", "openshift-ingress/maas-gateway", "--kubeconfig", cluster.KubeconfigPath]);
        Assert.True(fix.ExitCode == 0, fix.Error);

        var applied = cluster.Apply(fix.Out);
        Assert.Contains(applied, a => a.StartsWith("DestinationRule openshift-ingress/", StringComparison.Ordinal));
        cluster.Apply(ClusterChanges.MessageTimeout("openshift-ai-inference", "2s"));

        using var http = Trusting(cluster.CaFile);
        var maas = cluster.GatewayAddresses["openshift-ingress/maas-gateway"][0];
        foreach (var (path, body) in new[]
        {
            ("/v1/chat/completions", """{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"user","content":"hi"}],"max_tokens":1}"""),
            ("/v1/completions", """{"model":"Qwen/Qwen3-0.6B","prompt":"hi","max_tokens":1}"""),
        })
        {
            using var response = await http.PostAsync(new Uri(maas, "/my-first-model/qwen3-0-6b" + path), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-went-into-resp-headers")));
        }

        var check = await CliRunner.RunAsync(["check", "--kubeconfig", cluster.KubeconfigPath, "-o", "json", "--fail-on", "none"]);
        Assert.True(check.ExitCode == 0, check.Error);
        var findings = JsonNode.Parse(check.Out)!["findings"]!.AsArray();
        Assert.Contains(findings, f => (string?)f!["code"] == "LLMD0306" && (string?)f["subject"]!["name"] == "openshift-ai-inference");
        Assert.DoesNotContain(findings, f => (string?)f!["code"] == "LLMD0401" && (string?)f["subject"]!["name"] == "maas-gateway");
    }

    /// <summary>An HTTP client that trusts the simulator's CA only.</summary>
    private static HttpClient Trusting(string caFile)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }
}
