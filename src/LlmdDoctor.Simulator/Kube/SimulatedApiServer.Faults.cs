using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

/// <summary>How the server answers when <see cref="ApiServerFaults"/> are attached (the fault matrix).</summary>
internal sealed partial class SimulatedApiServer
{
    /// <summary>Delays and scripted failures; true when the request is answered.</summary>
    private static async Task<bool> AnsweredByFaultAsync(HttpContext context, ApiServerFaults faults, string path)
    {
        foreach (var (prefix, delay) in faults.Delays)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return true;
                }
            }
        }

        if (faults.Take(path, context.Request.QueryString.Value ?? "") is not { } failure)
        {
            return false;
        }

        await FailAsync(context, failure);
        return true;
    }

    private static async Task FailAsync(HttpContext context, ScriptedFailure failure)
    {
        if (failure.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = failure.RetryAfter;
        }

        if (failure.StreamBytes > 0)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = "application/json";
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"metadata\":{\"name\":\"x\"}},", 2000)));
            try
            {
                await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("{\"kind\":\"PodList\",\"items\":["), context.RequestAborted);
                for (long sent = 0; sent < failure.StreamBytes; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client stopped reading at its bound.
            }

            return;
        }

        if (failure.RawBodyOf is { } produce)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = failure.ContentType;
            await context.Response.WriteAsync(produce(Interlocked.Increment(ref failure.Answered)));
            return;
        }

        if (failure.RawBody is not null)
        {
            context.Response.StatusCode = failure.Status;
            context.Response.ContentType = failure.ContentType;
            if (failure.CutMidBody)
            {
                context.Response.ContentLength = failure.RawBody.Length;
                await context.Response.WriteAsync(failure.RawBody[..(failure.RawBody.Length / 2)]);
                await context.Response.Body.FlushAsync();
                await Task.Delay(300);
                context.Abort();
                return;
            }

            await context.Response.WriteAsync(failure.RawBody);
            return;
        }

        await WriteStatusAsync(context, failure.Status, failure.Reason, failure.Message);
    }

    /// <summary>A scripted watch stream: each line as given, <see cref="ApiServerFaults.Hold"/> holds until the client leaves.</summary>
    private static async Task ScriptedWatchAsync(HttpContext context, IReadOnlyList<string>? session)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            foreach (var line in session ?? [ApiServerFaults.Hold])
            {
                if (line == ApiServerFaults.Hold)
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }

                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    /// <summary>Sends a scripted pod answer over an accepted port-forward socket.</summary>
    private static async Task SendPodAnswerAsync(WebSocket socket, PodPortAnswer answer, CancellationToken ct)
    {
        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        if (answer.Error is { } error)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("\u0001" + error), WebSocketMessageType.Binary, true, ct);
        }

        if (answer.Raw is { } raw)
        {
            await SendDataAsync(socket, raw, ct);
        }

        if (answer.Body is { } produce)
        {
            await SendDataAsync(socket, Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"), ct);
            await using var body = produce();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = await body.ReadAsync(chunk, ct)) > 0)
            {
                await SendDataAsync(socket, chunk.AsMemory(0, n), ct);
            }
        }
    }
}
