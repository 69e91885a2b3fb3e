using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace LlmdDoctor.Monitoring.Http;

/// <summary>
/// Tells which protocol a port speaks after a call failed in a way that suggests the wrong scheme: a TLS
/// handshake that died (is it plain HTTP? — Go's "server gave HTTP response to HTTPS client"), or an HTTP
/// response that was garbage (is it TLS?). One short connection each, never with credentials.
/// </summary>
internal static class SchemeSniffer
{
    public static async Task<bool> SpeaksPlainHttpAsync(string host, int port, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            cts.CancelAfter(timeout);
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HEAD / HTTP/1.0\r\nHost: {host}\r\n\r\n"), cts.Token).ConfigureAwait(false);
            var buffer = new byte[5];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return read == 5 && Encoding.ASCII.GetString(buffer) == "HTTP/";
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public static async Task<bool> SpeaksTlsAsync(string host, int port, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            cts.CancelAfter(timeout);
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);

            // Only the protocol is in question here, not trust: any certificate will do.
            var options = new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = (_, _, _, _) => true };
            await tls.AuthenticateAsClientAsync(options, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }
}
