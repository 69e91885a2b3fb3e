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
/// One <see cref="SimulatedApiServer"/> alone on 127.0.0.1 (an OS-chosen port), outside a <see cref="SimulatedCluster"/>:
/// what the fault matrix (tests/LlmdDoctor.Faults.Tests), the client tests (tests/LlmdDoctor.Kubernetes.Tests) and the
/// API server's own tests start. Plain HTTP, or HTTPS with a serving certificate and the intermediates sent with it.
/// Over HTTPS the server asks for a client certificate without requiring or verifying it in the handshake, as
/// kube-apiserver does when a client CA is configured ("Populate PeerCertificates in requests, but don't reject
/// connections without certificates": <c>tls.RequestClientCert</c>, kubernetes
/// staging/src/k8s.io/apiserver/pkg/server/secure_serving.go@0072a2a3c378): the certificate is judged per request, by
/// the server's authentication (<see cref="SimulatedApiServer.ClientCertificateAuthorities"/>).
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

    /// <summary><c>http://127.0.0.1:port/</c> or <c>https://127.0.0.1:port/</c> (also set as the server's <see cref="SimulatedApiServer.Url"/>).</summary>
    public Uri Url { get; }

    /// <param name="server">The API server to host; its <see cref="SimulatedApiServer.Url"/> is set to where it listens.</param>
    /// <param name="certificate">The serving certificate with its key; null serves plain HTTP.</param>
    /// <param name="intermediates">Certificates sent after the leaf in the handshake (an OpenShift API server sends its intermediate CA).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ApiServerHost> StartAsync(SimulatedApiServer server, X509Certificate2? certificate = null, X509Certificate2Collection? intermediates = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinRequestBodyDataRate = null;
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
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address);
        server.Url = url;
        return new ApiServerHost(app, server, url);
    }

    public async ValueTask DisposeAsync()
    {
        // Scripted watch streams that were never taken end; held watches and port-forwards end with the host; a
        // bounded stop keeps a test's teardown short.
        Server.Faults?.WatchSessions.Writer.TryComplete();
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
