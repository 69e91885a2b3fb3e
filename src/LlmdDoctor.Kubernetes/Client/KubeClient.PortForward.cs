using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace LlmdDoctor.Kubernetes;

/// <summary>The answer of a pod-local HTTP server reached through a port-forward.</summary>
public sealed record PodHttpResponse(int StatusCode, Stream Body) : IDisposable
{
    public void Dispose() => Body.Dispose();
}

public sealed partial class KubeClient
{
    /// <summary>The kubelet's binary WebSocket port-forward protocol: per port, channel 2i carries data and 2i+1 errors.</summary>
    private const string PortForwardProtocol = "v4.channel.k8s.io";

    /// <summary>
    /// Sends one HTTP/1.1 GET to <paramref name="port"/> on 127.0.0.1 inside a pod through
    /// <c>pods/portforward</c> (as istioctl reads Envoy admin on :15000) and returns the answer. Bounded by
    /// <paramref name="maxBytes"/> (default <see cref="KubeClientOptions.MaxResponseBytes"/>) and
    /// <paramref name="timeout"/> (default <see cref="KubeClientOptions.RequestTimeout"/>).
    /// </summary>
    /// <exception cref="KubeForbiddenException">RBAC forbids <c>create pods/portforward</c>.</exception>
    /// <exception cref="KubeUnavailableException">No connection, the kubelet reported an error, or the answer is malformed, too large or late.</exception>
    public async Task<PodHttpResponse> PortForwardGetAsync(
        string ns, string pod, int port, string path, long? maxBytes = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var url = Url(Query($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/portforward",
            ("ports", port.ToString(CultureInfo.InvariantCulture))));
        var what = $"port-forward {ns}/{pod}:{port} GET {path} ({url})";
        var limit = maxBytes ?? _options.MaxResponseBytes;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? _options.RequestTimeout);
        using var socket = new ClientWebSocket();
        try
        {
            await ConnectAsync(socket, url, what, deadline.Token).ConfigureAwait(false);
            var request = Encoding.ASCII.GetBytes(
                $"\0GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: llmd-doctor\r\nAccept: */*\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(request, WebSocketMessageType.Binary, true, deadline.Token).ConfigureAwait(false);
            var response = await ReceiveAsync(socket, what, limit, deadline.Token).ConfigureAwait(false);
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeUnavailableException($"{what}: no complete answer within {(timeout ?? _options.RequestTimeout).TotalSeconds:0.#} s (timeout)", url);
        }
        catch (WebSocketException ex)
        {
            throw new KubeUnavailableException($"{what}: the stream broke ({ex.Message})", url, inner: ex);
        }
    }

    /// <summary>
    /// Opens a TCP stream to <paramref name="port"/> inside a pod through <c>pods/portforward</c>, as
    /// <c>kubectl port-forward</c> does: a gRPC or HTTP client can speak over it to a pod the caller cannot dial
    /// (a cluster-local Service from a laptop). <paramref name="connectTimeout"/> (default
    /// <see cref="KubeClientOptions.RequestTimeout"/>) bounds the upgrade only; the caller's own deadlines bound the rest.
    /// </summary>
    /// <exception cref="KubeForbiddenException">RBAC forbids <c>create pods/portforward</c> in the pod's namespace.</exception>
    /// <exception cref="KubeUnavailableException">No connection or no upgrade.</exception>
    public async Task<Stream> PortForwardStreamAsync(string ns, string pod, int port, TimeSpan? connectTimeout = null, CancellationToken cancellationToken = default)
    {
        var url = Url(Query($"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/portforward",
            ("ports", port.ToString(CultureInfo.InvariantCulture))));
        var what = $"port-forward {ns}/{pod}:{port}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectTimeout ?? _options.RequestTimeout);
        var socket = new ClientWebSocket();
        try
        {
            await ConnectAsync(socket, url, what, deadline.Token).ConfigureAwait(false);
            return new PodPortStream(socket, what);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new KubeUnavailableException($"{what}: no upgrade within {(connectTimeout ?? _options.RequestTimeout).TotalSeconds:0.#} s (timeout)", url);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ConnectAsync(ClientWebSocket socket, Uri url, string what, CancellationToken cancellationToken)
    {
        var credential = await _connection.Credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        socket.Options.AddSubProtocol(PortForwardProtocol);
        socket.Options.CollectHttpResponseDetails = true;
        if (credential.BearerToken is { } token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        var builder = new UriBuilder(url) { Scheme = url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        try
        {
            // The invoker carries the same TLS trust and client certificate as every other request.
            await socket.ConnectAsync(builder.Uri, HttpFor(credential), cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            var status = socket.HttpStatusCode;
            var message = $"{what}: {(status == 0 ? Describe(ex) : $"{(int)status} {status}")}";
            throw status switch
            {
                HttpStatusCode.Forbidden => new KubeForbiddenException(message, url, "Forbidden"),
                HttpStatusCode.Unauthorized => new KubeUnauthorizedException(message, url, "Unauthorized"),
                HttpStatusCode.NotFound => new KubeNotFoundException(message, url, "NotFound"),
                _ => new KubeUnavailableException(message, url, status == 0 ? null : status, inner: ex),
            };
        }

        if (socket.SubProtocol != PortForwardProtocol)
        {
            throw new KubeUnavailableException($"{what}: the server chose subprotocol \"{socket.SubProtocol}\", not {PortForwardProtocol}", url);
        }
    }

    private static string Describe(WebSocketException ex) =>
        ex.InnerException is HttpRequestException http ? Describe(http) : ex.Message;

    private static async Task<PodHttpResponse> ReceiveAsync(ClientWebSocket socket, string what, long limit, CancellationToken cancellationToken)
    {
        var reader = new PodHttp(what);
        try
        {
            var error = new StringBuilder();
            var seenPortHeader = new bool[2];
            var message = new MemoryStream();
            var buffer = new byte[65536];
            while (true)
            {
                message.SetLength(0);
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                    message.Write(buffer, 0, result.Count);
                    if (message.Length > limit + 3)
                    {
                        throw new KubeUnavailableException($"{what}: the answer is larger than {limit} bytes", null);
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var frame = message.GetBuffer().AsSpan(0, (int)message.Length);
                if (frame.Length == 0 || frame[0] > 1)
                {
                    continue;
                }

                var channel = frame[0];
                var payload = frame[1..];

                // The first frame on each channel starts with the port number (uint16, little-endian).
                if (!seenPortHeader[channel])
                {
                    seenPortHeader[channel] = true;
                    payload = payload.Length >= 2 ? payload[2..] : [];
                }

                if (channel == 1)
                {
                    error.Append(Encoding.UTF8.GetString(payload));
                    continue;
                }

                if (reader.Feed(payload))
                {
                    return reader.Finish(streamEnded: false);
                }

                if (reader.BodyLength > limit)
                {
                    throw new KubeUnavailableException($"{what}: the answer is larger than {limit} bytes", null);
                }
            }

            if (error.Length > 0)
            {
                throw new KubeUnavailableException($"{what}: {error.ToString().Trim()}", null);
            }

            return reader.Finish(streamEnded: true);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, quick.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The answer is complete; a close handshake that fails changes nothing.
        }
    }
}
