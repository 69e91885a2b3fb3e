using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Kube;

internal sealed partial class SimulatedApiServer
{
    private const string PortForwardProtocol = "v4.channel.k8s.io";

    /// <summary>
    /// The most bytes of the pod's answer one data frame carries. The runtime copies the pod's socket into the stream
    /// with io.Copy (containerd internal/cri/server/sandbox_portforward_linux.go, <c>io.Copy(stream, conn)</c>), one frame
    /// per read: at most its 32 KiB buffer, fewer when a read returns what has arrived so far (an Envoy admin answer
    /// written in chunks arrives in many small frames). Tests lower it to make a client reassemble a body from several frames.
    /// </summary>
    public int PortForwardFrameBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// The kubelet's WebSocket port-forward (v4.channel.k8s.io): channel 0 = data, 1 = error of the first port;
    /// the first frame on each channel is the port number (uint16, little-endian). The pod's port answers one
    /// HTTP/1.1 request (Connection: close), as Envoy's admin listener does for istioctl.
    /// </summary>
    private async Task PortForwardAsync(HttpContext context, string ns, string pod)
    {
        if (!Stored(_resources.First(r => r.Kind == "Pod")).Any(p => ClusterModel.Ns(p) == ns && ClusterModel.Name(p) == pod))
        {
            await WriteStatusAsync(context, 404, "NotFound", $"pods \"{pod}\" not found", new System.Text.Json.Nodes.JsonObject { ["name"] = pod, ["kind"] = "pods" });
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "Upgrade request required");
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(PortForwardProtocol))
        {
            await WriteStatusAsync(context, 400, "BadRequest", "unable to upgrade: no supported subprotocol requested (v4.channel.k8s.io)");
            return;
        }

        if (!ushort.TryParse(context.Request.Query["ports"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            await WriteStatusAsync(context, 400, "BadRequest", "query parameter \"port\" is required");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(PortForwardProtocol);
        var ct = context.RequestAborted;
        try
        {
            await socket.SendAsync(new byte[] { 0, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);
            await socket.SendAsync(new byte[] { 1, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);
            if (_portStream?.Invoke(ns, pod, port) is { } listener)
            {
                await BridgeAsync(socket, listener, port, pod, ct);
                return;
            }

            if (await ReadRequestLineAsync(socket, ct) is not { } requestLine)
            {
                return;
            }

            if (Faults is { } faults)
            {
                faults.PortForwardRequests.Enqueue($"{ns}/{pod}:{port} {requestLine}");
                var path = requestLine.Split(' ') is [_, var p, ..] ? p : "/";
                if (faults.PortForward?.Invoke(pod, path) is { } answer)
                {
                    await SendPodAnswerAsync(socket, answer, ct);
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    return;
                }
            }

            var response = _portForward(ns, pod, port, requestLine);
            if (response is null)
            {
                // What the kubelet reports when nothing listens on the port inside the pod's network namespace.
                var message = $"\u0001error forwarding port {port} to pod {pod}, uid : failed to execute portforward in network namespace: failed to connect to localhost:{port} inside namespace: connection refused";
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Binary, true, ct);
            }
            else
            {
                await SendDataAsync(socket, response, PortForwardFrameBytes, ct);
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The client closed first, or stopped reading (its bound or timeout) and went away.
        }
    }

    /// <summary>Reads data-channel frames until the HTTP request head is complete; null when the client closes first.</summary>
    private static async Task<string?> ReadRequestLineAsync(WebSocket socket, CancellationToken ct)
    {
        var request = new MemoryStream();
        var buffer = new byte[8192];
        while (!Encoding.ASCII.GetString(request.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var frame = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, ct);
                frame.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            var bytes = frame.ToArray();
            if (bytes.Length > 1 && bytes[0] == 0)
            {
                request.Write(bytes, 1, bytes.Length - 1);
            }
        }

        return Encoding.ASCII.GetString(request.ToArray()).Split("\r\n")[0];
    }

    /// <summary>Data-channel frames; large answers arrive split over several frames, as the kubelet sends them.</summary>
    private static Task SendDataAsync(WebSocket socket, ReadOnlyMemory<byte> data, CancellationToken ct) => SendDataAsync(socket, data, 32 * 1024, ct);

    private static async Task SendDataAsync(WebSocket socket, ReadOnlyMemory<byte> data, int frameBytes, CancellationToken ct)
    {
        for (var offset = 0; offset < data.Length; offset += frameBytes)
        {
            var chunk = data.Slice(offset, Math.Min(frameBytes, data.Length - offset));
            var frame = new byte[chunk.Length + 1];
            chunk.CopyTo(frame.AsMemory(1));
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
        }
    }

    /// <summary>
    /// Carries the WebSocket's data channel to and from a TCP connection to <paramref name="listener"/> for as long as
    /// either side keeps it open, as the kubelet does for <c>kubectl port-forward</c> to a gRPC port.
    /// </summary>
    private static async Task BridgeAsync(WebSocket socket, Uri listener, int port, string pod, CancellationToken ct)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        try
        {
            await tcp.ConnectAsync(listener.Host, listener.Port, ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
            var refused = $"\u0001error forwarding port {port} to pod {pod}, uid : failed to connect to localhost:{port} inside namespace: connection refused";
            await socket.SendAsync(Encoding.UTF8.GetBytes(refused), WebSocketMessageType.Binary, true, ct);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            return;
        }

        var network = tcp.GetStream();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toPod = Task.Run(async () =>
        {
            var buffer = new byte[32 * 1024];
            while (true)
            {
                var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop.Token);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (frame.Length > 1 && frame.GetBuffer()[0] == 0)
                {
                    await network.WriteAsync(frame.GetBuffer().AsMemory(1, (int)frame.Length - 1), stop.Token);
                }
            }
        }, stop.Token);
        var fromPod = Task.Run(async () =>
        {
            var buffer = new byte[32 * 1024 + 1];
            int n;
            while ((n = await network.ReadAsync(buffer.AsMemory(1), stop.Token)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, n + 1), WebSocketMessageType.Binary, true, stop.Token);
            }
        }, stop.Token);

        await Task.WhenAny(toPod, fromPod);
        if (fromPod.IsCompleted && socket.State == WebSocketState.Open)
        {
            try
            {
                // The pod closed the connection: close the WebSocket and let the client answer.
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
            catch (WebSocketException)
            {
            }
        }

        tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        await Task.WhenAny(Task.WhenAll(toPod, fromPod), Task.Delay(TimeSpan.FromSeconds(2), ct)).ContinueWith(_ => { }, TaskScheduler.Default);
        await stop.CancelAsync();
        foreach (var task in new[] { toPod, fromPod })
        {
            try
            {
                await task;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
            {
                // Either side went away; the other is torn down with it.
            }
        }
    }
}
