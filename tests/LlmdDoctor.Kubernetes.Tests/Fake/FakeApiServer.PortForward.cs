using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Kubernetes.Tests.Fake;

public sealed partial class FakeApiServer
{
    /// <summary>
    /// The kubelet's WebSocket port-forward (v4.channel.k8s.io): channel 0 = data, 1 = error of the first port;
    /// the first frame on each channel is the port number (uint16, little-endian).
    /// </summary>
    private async Task PortForwardAsync(HttpContext context, string ns, string pod)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteStatusAsync(context, 400, "BadRequest", "Upgrade request required");
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains("v4.channel.k8s.io"))
        {
            await WriteStatusAsync(context, 400, "BadRequest", "unsupported subprotocol");
            return;
        }

        var port = ushort.Parse(context.Request.Query["ports"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        var ct = context.RequestAborted;
        await socket.SendAsync(new byte[] { 0, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);
        await socket.SendAsync(new byte[] { 1, (byte)(port & 0xff), (byte)(port >> 8) }, WebSocketMessageType.Binary, true, ct);

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
                return;
            }

            var bytes = frame.ToArray();
            if (bytes.Length > 1 && bytes[0] == 0)
            {
                request.Write(bytes, 1, bytes.Length - 1);
            }
        }

        var requestLine = Encoding.ASCII.GetString(request.ToArray()).Split("\r\n")[0];
        var path = requestLine.Split(' ')[1];
        PortForwardRequests.Enqueue($"{ns}/{pod}:{port} {requestLine}");
        if (path == "/error")
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("\u0001error forwarding port 15000 to pod: connection refused"), WebSocketMessageType.Binary, true, ct);
        }
        else
        {
            var response = PortForwardResponder(path);

            // Split the answer over several frames, as the kubelet does with large bodies.
            for (var offset = 0; offset < response.Length; offset += 1000)
            {
                var chunk = response.AsSpan(offset, Math.Min(1000, response.Length - offset));
                var frame = new byte[chunk.Length + 1];
                chunk.CopyTo(frame.AsSpan(1));
                await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
            }
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }
}
