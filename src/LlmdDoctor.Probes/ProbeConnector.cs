using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// The connection of one attempt, made by hand so each phase is timed honestly: DNS resolve, TCP connect, and
/// the TLS handshake (SslStream here, so the HTTP handler is given a plain request over an already secured stream).
/// </summary>
internal sealed class ProbeConnector
{
    private readonly string _host;
    private readonly int _port;
    private readonly string? _serverName;
    private readonly CertificateTrust? _trust;
    private readonly ProbeClock _clock;

    /// <param name="serverName">TLS server name; null for plain HTTP.</param>
    public ProbeConnector(string host, int port, string? serverName, CertificateTrust? trust, ProbeClock clock)
    {
        _host = host;
        _port = port;
        _serverName = serverName;
        _trust = trust;
        _clock = clock;
    }

    /// <summary>What the connection was: address, TLS protocol and certificate, for the transcript.</summary>
    public List<string> Notes { get; } = [];

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        _clock.ResolveStarted();
        var addresses = await ResolveAsync(cancellation).ConfigureAwait(false);
        _clock.ResolveDone();

        var socket = await ConnectAnyAsync(addresses, cancellation).ConfigureAwait(false);
        _clock.ConnectDone();
        var network = new NetworkStream(socket, ownsSocket: true);
        if (_serverName is null)
        {
            _clock.Sending();
            return network;
        }

        _clock.TlsStarted();
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _serverName,
                RemoteCertificateValidationCallback = _trust!.Validate,
                CertificateChainPolicy = _trust.ChainPolicy,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new ProbeTransportException(ProbeFailureReason.Tls,
                $"TLS handshake with {_serverName} failed: {_trust!.Problem ?? ex.Message}", ex);
        }

        _clock.TlsDone();
        Notes.Add($"TLS {tls.SslProtocol}, server name {_serverName}; certificate {_trust!.Seen}{(_trust.Problem is { } p ? $"; {p}" : "")}");
        _clock.Sending();
        return tls;
    }

    private async Task<IPAddress[]> ResolveAsync(CancellationToken cancellation)
    {
        if (IPAddress.TryParse(_host, out var literal))
        {
            return [literal];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(_host, cancellation).ConfigureAwait(false);
            return addresses.Length > 0 ? addresses
                : throw new ProbeTransportException(ProbeFailureReason.Dns, $"{_host} resolved to no address");
        }
        catch (SocketException ex)
        {
            throw new ProbeTransportException(ProbeFailureReason.Dns, $"{_host} did not resolve: {ex.SocketErrorCode}", ex);
        }
    }

    private async Task<Socket> ConnectAnyAsync(IPAddress[] addresses, CancellationToken cancellation)
    {
        SocketException? last = null;
        IPAddress? lastAddress = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, _port), cancellation).ConfigureAwait(false);
                Notes.Add($"connected to {new IPEndPoint(address, _port)}");
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                (last, lastAddress) = (ex, address);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var reason = last?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => ProbeFailureReason.Refused,
            SocketError.TimedOut => ProbeFailureReason.Timeout,
            SocketError.ConnectionReset => ProbeFailureReason.Reset,
            _ => ProbeFailureReason.Unreachable,
        };
        throw new ProbeTransportException(reason,
            $"connect to {(lastAddress is null ? _host : new IPEndPoint(lastAddress, _port).ToString())} failed: {last?.SocketErrorCode}", last);
    }
}
