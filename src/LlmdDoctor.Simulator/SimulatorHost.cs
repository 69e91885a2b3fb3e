using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Simulator;

/// <summary>One simulated server socket: its port is known after <see cref="SimulatorHost.StartAsync"/>.</summary>
internal sealed class SimulatedEndpoint(string name, bool tls, HttpProtocols protocols, X509Certificate2? certificate, RequestDelegate handler)
{
    public string Name { get; } = name;
    public bool Tls { get; } = tls;
    public HttpProtocols Protocols { get; } = protocols;
    public X509Certificate2? Certificate { get; } = certificate;
    public RequestDelegate Handler { get; } = handler;
    public ListenOptions? Listen { get; set; }

    /// <summary>The bound port (Kestrel writes the real endpoint back into the ListenOptions after binding port 0).</summary>
    public int Port => Listen?.IPEndPoint?.Port is > 0 and var p ? p : throw new InvalidOperationException($"{Name} is not bound yet");

    public Uri Url => new($"{(Tls ? "https" : "http")}://127.0.0.1:{Port}");
}

/// <summary>
/// One Kestrel server for the whole simulated cluster: every simulated socket (API server, gateway listeners,
/// EPP gRPC and health, vLLM pods, Prometheus, Grafana) is its own endpoint on 127.0.0.1 with an OS-chosen port,
/// and requests are dispatched on the local port. One host keeps start-up well under a second.
/// </summary>
internal sealed class SimulatorHost : IAsyncDisposable
{
    private readonly List<SimulatedEndpoint> _endpoints = [];
    private readonly Dictionary<int, SimulatedEndpoint> _byPort = [];
    private WebApplication? _app;

    public SimulatedEndpoint Add(string name, bool tls, HttpProtocols protocols, X509Certificate2? certificate, RequestDelegate handler)
    {
        var endpoint = new SimulatedEndpoint(name, tls, protocols, certificate, handler);
        _endpoints.Add(endpoint);
        return endpoint;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            foreach (var endpoint in _endpoints)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = endpoint.Protocols;
                    if (endpoint.Tls)
                    {
                        listen.UseHttps(endpoint.Certificate!);
                    }

                    endpoint.Listen = listen;
                });
            }
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(DispatchAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        foreach (var endpoint in _endpoints)
        {
            _byPort[endpoint.Port] = endpoint;
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        if (_byPort.TryGetValue(context.Connection.LocalPort, out var endpoint))
        {
            return endpoint.Handler(context);
        }

        context.Response.StatusCode = 421;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
