using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using LlmdDoctor.Faults.Tests.Cases;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>
/// An HTTP/2-only (h2c, prior knowledge) Kestrel listener on 127.0.0.1: the fake Endpoint Picker (gRPC with fault
/// modes) and the "HTTP/2-only peer" a gateway probe may meet.
/// </summary>
public sealed class Http2Server : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Http2Server(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static async Task<Http2Server> StartAsync(RequestDelegate handler)
    {
        var port = Ports.Closed();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new Http2Server(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(quick.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}

/// <summary>The Endpoint Picker's gRPC faults.</summary>
public enum EppFault
{
    /// <summary>RST_STREAM as soon as the ext_proc call arrives.</summary>
    StreamReset,

    /// <summary>A trailers-only answer: HEADERS with grpc-status UNAVAILABLE and END_STREAM, no message.</summary>
    TrailersOnly,

    /// <summary>Headers sent, then nothing, forever.</summary>
    NeverEnding,
}

/// <summary>A fake EPP: gRPC health says SERVING; the ext_proc method misbehaves as told.</summary>
public static class FakeEndpointPicker
{
    public static Task<Http2Server> StartAsync(EppFault fault) => Http2Server.StartAsync(async context =>
    {
        var path = context.Request.Path.Value ?? "";
        context.Response.ContentType = "application/grpc";
        if (path == "/grpc.health.v1.Health/Check")
        {
            // HealthCheckResponse{status: SERVING}: field 1 varint 1, in one length-prefixed gRPC message.
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", "0");
            return;
        }

        switch (fault)
        {
            case EppFault.StreamReset:
                context.Abort();
                return;
            case EppFault.TrailersOnly:
                context.Response.Headers["grpc-status"] = "14";
                context.Response.Headers["grpc-message"] = "no healthy upstream";
                return;
            case EppFault.NeverEnding:
                await context.Response.StartAsync(context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return;
        }
    });

    /// <summary>The EPP Service's gRPC (9002) and health (9003) ports, mapped to <paramref name="url"/>.</summary>
    public static LlmdDoctor.Collection.ServiceAddresses Addresses(Uri url) => new(new Dictionary<string, Uri>
    {
        [$"{HealthyCluster.EppHost}:9002"] = url,
        [$"{HealthyCluster.EppHost}:9003"] = url,
    });
}
