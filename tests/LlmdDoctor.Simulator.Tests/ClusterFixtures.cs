using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>One running simulated cluster per test class.</summary>
public abstract class ClusterFixture(string scenario) : IAsyncLifetime
{
    public SimulatedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await SimulatedCluster.StartAsync(ScenarioCatalog.Load(scenario));

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>An HttpClient that trusts only the simulator CA (as the doctor does when given CaFile).</summary>
    public HttpClient TrustingClient() => Clients.Trusting(Cluster.CaFile);

    public Uri Gateway(string name) => Cluster.GatewayAddresses[$"openshift-ingress/{name}"][0];
}

public sealed class SeedFixture() : ClusterFixture("seed-rhoai");

public sealed class HealthyFixture() : ClusterFixture("healthy");

public static class Clients
{
    public static HttpClient Trusting(string caFile)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate)) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public const string Chat = """{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":false}""";
}
