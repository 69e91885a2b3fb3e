using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>
/// One <see cref="SimulatedApiServer"/> on its own 127.0.0.1 port, outside a <see cref="SimulatedCluster"/>: what the
/// fault matrix (tests/LlmdDoctor.Faults.Tests) and the API server's own tests start. Plain HTTP without a certificate.
/// With one it serves HTTPS and, like kube-apiserver with a client CA configured, asks for a client certificate in the
/// handshake but neither requires nor verifies it there ("Populate PeerCertificates in requests, but don't reject
/// connections without certificates": <c>tls.RequestClientCert</c> in kubernetes
/// staging/src/k8s.io/apiserver/pkg/server/secure_serving.go @0072a2a3c378): the authenticator decides, here
/// <see cref="ApiServerFaults.RequireValidClientCertificate"/>.
/// </summary>
internal sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServerHost(WebApplication app, SimulatedApiServer server)
    {
        _app = app;
        Server = server;
    }

    public SimulatedApiServer Server { get; }

    /// <summary>Where the server listens (also set as the server's <see cref="SimulatedApiServer.Url"/>).</summary>
    public Uri Url => Server.Url!;

    public static async Task<ApiServerHost> StartAsync(SimulatedApiServer server, X509Certificate2? certificate = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? bound = null;
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
                        https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        https.AllowAnyClientCertificate();
                    });
                }

                bound = listen;
            });
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        server.Url = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{bound!.IPEndPoint!.Port}");
        return new ApiServerHost(app, server);
    }

    public async ValueTask DisposeAsync()
    {
        // Scripted watch streams that were never taken end; open ones end with their connections.
        Server.Faults?.WatchSessions.Writer.TryComplete();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(quick.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Held streams (watch, port-forward) are cut when the host goes.
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
