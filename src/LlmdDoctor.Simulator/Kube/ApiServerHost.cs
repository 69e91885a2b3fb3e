using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: InternalsVisibleTo("LlmdDoctor.Kubernetes.Tests")]

namespace LlmdDoctor.Simulator.Kube;

/// <summary>
/// One <see cref="SimulatedApiServer"/> alone on 127.0.0.1 (an OS-chosen port), for tests that need the API server and
/// nothing else of a simulated cluster: plain HTTP, or HTTPS with a serving certificate and the intermediates sent with it.
/// Over HTTPS the server asks for a client certificate without requiring or verifying it in the handshake, as kube-apiserver
/// does when a client CA is configured (<c>tls.RequestClientCert</c>, kubernetes
/// staging/src/k8s.io/apiserver/pkg/server/secure_serving.go@0072a2a3c378, SecureServingInfo.tlsConfig): the certificate is
/// verified per request by the server's authentication (<see cref="SimulatedApiServer.ClientCertificateAuthorities"/>).
/// </summary>
internal sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServerHost(WebApplication app, SimulatedApiServer server, Uri url)
    {
        _app = app;
        Server = server;
        Url = url;
    }

    public SimulatedApiServer Server { get; }

    /// <summary><c>http://127.0.0.1:port/</c> or <c>https://127.0.0.1:port/</c>.</summary>
    public Uri Url { get; }

    /// <param name="server">The API server to host; its <see cref="SimulatedApiServer.Url"/> is set to where it listens.</param>
    /// <param name="certificate">The serving certificate with its key; null serves plain HTTP.</param>
    /// <param name="intermediates">Certificates sent after the leaf in the handshake (an OpenShift API server sends its intermediate CA).</param>
    public static async Task<ApiServerHost> StartAsync(SimulatedApiServer server, X509Certificate2? certificate = null, X509Certificate2Collection? intermediates = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate, https =>
                    {
                        https.ServerCertificateChain = intermediates;
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        https.AllowAnyClientCertificate();
                    });
                }
            });
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address);
        server.Url = url;
        return new ApiServerHost(app, server, url);
    }

    public async ValueTask DisposeAsync()
    {
        // Held watches and port-forwards end with the host; a bounded stop keeps a test's teardown short.
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(quick.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
