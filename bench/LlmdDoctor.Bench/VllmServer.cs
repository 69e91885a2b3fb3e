using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmdDoctor.Bench;

/// <summary>
/// A tiny vLLM-like server on loopback: GET …/v1/models answers a one-model list, POST …/v1/chat/completions and
/// …/v1/completions answer a fixed one-token completion after reading the body. <c>--ports N</c> listens on N
/// ports (one per simulated gateway); <c>--delay-ms</c> delays every answer (the scale benchmark's 50 ms);
/// <c>--tls-dir DIR</c> serves HTTPS with a certificate signed by a CA the bench makes there (<c>DIR/ca.pem</c>).
/// </summary>
public static class VllmServer
{
    public const string ModelId = "bench-model";

    public static readonly byte[] ModelList = Encoding.UTF8.GetBytes(
        """{"object":"list","data":[{"id":"bench-model","object":"model","created":1732233600,"owned_by":"vllm","root":"Qwen/Qwen3-0.6B","parent":null,"max_model_len":4096}]}""");

    public static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1732233600,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"length"}],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}""");

    public static async Task<int> RunAsync(Args args)
    {
        var ports = args.Int("ports", 1);
        var delay = TimeSpan.FromMilliseconds(args.Int("delay-ms", 0));
        var portFile = args.Str("port-file");
        var tlsDir = args.Str("tls-dir", "");
        using var certificate = tlsDir.Length > 0 ? BenchTls.CreateServerCertificate(tlsDir) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            for (var i = 0; i < ports; i++)
            {
                k.Listen(IPAddress.Loopback, 0, listen =>
                {
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }
        });
        var app = builder.Build();
        app.Run(async ctx =>
        {
            var path = ctx.Request.Path.Value ?? "";
            byte[]? answer = null;
            if (HttpMethods.IsGet(ctx.Request.Method) && path.EndsWith("/v1/models", StringComparison.Ordinal))
            {
                answer = ModelList;
            }
            else if (HttpMethods.IsPost(ctx.Request.Method)
                && (path.EndsWith("/v1/chat/completions", StringComparison.Ordinal) || path.EndsWith("/v1/completions", StringComparison.Ordinal)))
            {
                // Read the whole body, as vLLM does before answering.
                var buffer = new byte[4096];
                while (await ctx.Request.Body.ReadAsync(buffer) > 0)
                {
                }

                answer = Completion;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            if (answer is null)
            {
                ctx.Response.StatusCode = 404;
                return;
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = answer.Length;
            await ctx.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var bound = addresses.Select(a => new Uri(a).Port).ToList();
        await File.WriteAllLinesAsync(portFile + ".tmp", bound.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.Move(portFile + ".tmp", portFile, overwrite: true);
        // SIGTERM/SIGINT stop the host (its console lifetime), which ends this wait.
        await app.WaitForShutdownAsync();
        return 0;
    }

    public static IReadOnlyList<int> ReadPorts(string portFile)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(portFile))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{portFile} did not appear");
            }

            Thread.Sleep(100);
        }

        return [.. File.ReadAllLines(portFile).Where(l => l.Length > 0).Select(int.Parse)];
    }
}
