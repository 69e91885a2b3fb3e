using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>One HTTP/1.1 request as the raw server read it.</summary>
public sealed record RawRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : "";

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A TCP server on 127.0.0.1 that hands each connection's first request to a handler writing raw bytes: the handler
/// decides whether the peer answers, resets, trickles, floods, or speaks another protocol. Optional TLS with any
/// certificate (wrong host, expired, self-signed). Everything it received is recorded for the secrets test.
/// </summary>
public sealed class RawServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RawRequest, Stream, CancellationToken, Task> _handler;
    private readonly X509Certificate2? _certificate;
    private readonly Task _accept;

    public RawServer(Func<RawRequest, Stream, CancellationToken, Task> handler, X509Certificate2? certificate = null, bool readRequest = true)
    {
        _handler = handler;
        _certificate = certificate;
        ReadRequest = readRequest;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>When false the handler gets the connection before anything is read (protocol faults).</summary>
    public bool ReadRequest { get; }

    public string Url => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}";

    public System.Collections.Concurrent.ConcurrentQueue<RawRequest> Received { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                Stream stream = client.GetStream();
                if (_certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                    stream = tls;
                }

                await using (stream)
                {
                    var request = ReadRequest ? await ReadAsync(stream, _stop.Token) : new RawRequest("", "", new Dictionary<string, string>(), []);
                    if (request is null)
                    {
                        return;
                    }

                    Received.Enqueue(request);
                    await _handler(request, stream, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The doctor went away (timeout, bound reached, TLS refused): that is the point of most faults.
            }
        }
    }

    private static async Task<RawRequest?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var head = new MemoryStream();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                return null;
            }

            head.WriteByte(one[0]);
            if (head.Length > 64 * 1024)
            {
                return null;
            }
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length < 2)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var i = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..i].Trim().ToLowerInvariant()] = line[(i + 1)..].Trim();
        }

        var body = Array.Empty<byte>();
        if (headers.TryGetValue("content-length", out var cl) && int.TryParse(cl, out var length) && length > 0)
        {
            body = new byte[length];
            await stream.ReadExactlyAsync(body, ct);
        }

        return new RawRequest(parts[0], parts[1], headers, body);
    }

    private static bool EndsWithBlankLine(MemoryStream head)
    {
        if (head.Length < 4)
        {
            return false;
        }

        var b = head.GetBuffer();
        var n = (int)head.Length;
        return b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>Writing HTTP/1.1 answers by hand.</summary>
public static class RawHttp
{
    public static Task WriteAsync(Stream stream, int status, string body, string contentType = "application/json", string extraHeaders = "", CancellationToken ct = default)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\n{extraHeaders}Connection: close\r\n\r\n";
        return stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray(), ct).AsTask();
    }

    public static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
