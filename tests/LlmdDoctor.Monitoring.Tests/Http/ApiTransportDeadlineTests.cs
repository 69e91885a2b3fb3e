using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Http;

namespace LlmdDoctor.Monitoring.Tests.Http;

/// <summary>
/// The transport's deadline covers the whole exchange: a peer that sends its headers (and maybe part of the body)
/// and then stalls ends at the timeout with a clear reason, instead of holding the caller forever.
/// </summary>
public sealed class ApiTransportDeadlineTests
{
    // Long enough that a loaded machine reads the headers before the deadline (the rows tell "headers arrived" from
    // "no answer"); the time bound below stays what it was.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static TheoryData<string, string, ApiOutcome, string> Peers => new()
    {
        // name, what the peer writes before it stalls (null body = answer complete), expected outcome, detail fragment
        { "headers then stall", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n", ApiOutcome.Unreachable, "body did not complete" },
        { "half a body then stall", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"status\":\"succ", ApiOutcome.Unreachable, "body did not complete" },
        { "chunked, one chunk then stall", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"sta\r\n", ApiOutcome.Unreachable, "body did not complete" },
        { "nothing at all", "", ApiOutcome.Unreachable, "no answer within" },
        { "complete answer (expect nothing wrong)", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", ApiOutcome.Ok, "" },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task A_stalled_peer_ends_within_the_deadline(string name, string sendsThenStalls, ApiOutcome outcome, string detail)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var peer = StallAfterAsync(listener, sendsThenStalls, stop.Token);

        using var transport = new ApiTransport(new ApiEndpointSettings { Url = new Uri($"http://127.0.0.1:{port}") }, Timeout, 1024 * 1024);
        var watch = Stopwatch.StartNew();
        var response = await transport.GetAsync("api/v1/query?query=up", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        watch.Stop();
        await stop.CancelAsync();
        await peer;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{name}: took {watch.Elapsed}");
        Assert.Equal(outcome, response.Outcome);
        if (outcome == ApiOutcome.Ok)
        {
            Assert.Equal("{}", Encoding.UTF8.GetString(response.Body.Span));
        }
        else
        {
            Assert.Equal("timeout", response.Reason);
            Assert.Contains(detail, response.Detail, StringComparison.Ordinal);
        }
    }

    private static async Task StallAfterAsync(TcpListener listener, string bytes, CancellationToken stop)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync(stop);
            var stream = client.GetStream();
            var head = new byte[4096];
            _ = await stream.ReadAsync(head, stop);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(bytes), stop);
            await stream.FlushAsync(stop);
            await Task.Delay(System.Threading.Timeout.Infinite, stop);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
    }
}
