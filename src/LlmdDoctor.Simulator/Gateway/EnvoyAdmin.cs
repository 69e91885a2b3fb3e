using System.Globalization;
using System.Text;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// The Envoy admin endpoint of one gateway pod, serving the bundle's envoy/&lt;ns&gt;/&lt;pod&gt;/ files. Istio binds admin
/// to 127.0.0.1:15000 inside the pod (tools/packaging/common/envoy_bootstrap.json, domain-facts §8), so it is
/// reachable through pods/portforward only; the simulated API server calls <see cref="Respond"/> for port 15000.
/// </summary>
internal sealed class EnvoyAdmin(IReadOnlyDictionary<string, byte[]> files)
{
    public const int AdminPort = 15000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _files = new(files, StringComparer.Ordinal);

    /// <summary>The gateway's EPP counters, added to <c>/stats</c> and <c>/clusters</c> (null: the files as they are).</summary>
    public EndpointPickerCounters? Counters { get; set; }

    /// <summary>A file as currently served (null when the bundle has none).</summary>
    public byte[]? Get(string name) => _files.TryGetValue(name, out var body) ? body : null;

    /// <summary>Replaces a served file (the config_dump after istiod pushed an EnvoyFilter).</summary>
    public void Replace(string name, byte[] body) => _files[name] = body;

    /// <summary>Answers one request line (<c>GET /config_dump HTTP/1.1</c>) with raw HTTP/1.1 response bytes.</summary>
    public byte[] Respond(string requestLine)
    {
        var parts = requestLine.Split(' ');
        var target = parts.Length > 1 ? parts[1] : "/";
        var path = target.Split('?')[0];
        if (parts[0] != "GET")
        {
            return Http(405, "text/plain", Encoding.UTF8.GetBytes("This admin endpoint needs GET.\n"));
        }

        return path switch
        {
            "/config_dump" => File("config_dump.json", "application/json"),
            "/stats" => File("stats.txt", "text/plain; charset=UTF-8", Counters is { } c ? c.Stats : null),
            "/clusters" => File("clusters.txt", "text/plain; charset=UTF-8", Counters is { } k ? k.Clusters : null),
            "/server_info" => File("server_info.json", "application/json"),
            "/ready" => Http(200, "text/plain; charset=UTF-8", "LIVE\n"u8.ToArray()),
            _ => Http(404, "text/plain; charset=UTF-8", Encoding.UTF8.GetBytes(
                "invalid path. admin commands are:\n  /clusters: upstream cluster status\n  /config_dump: dump current Envoy configs\n  /ready: print server state\n  /server_info: print server version/status information\n  /stats: print server stats\n")),
        };
    }

    private byte[] File(string name, string contentType, Func<byte[], byte[]>? live = null) =>
        _files.TryGetValue(name, out var body) ? Http(200, contentType, live is null ? body : live(body)) : Http(404, "text/plain", Encoding.UTF8.GetBytes($"{name} is not in the bundle\n"));

    internal static byte[] Http(int status, string contentType, byte[] body)
    {
        var reason = status switch { 200 => "OK", 404 => "Not Found", 405 => "Method Not Allowed", _ => "Error" };
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\ncontent-type: {contentType}\r\ncache-control: no-cache, max-age=0\r\nx-content-type-options: nosniff\r\ndate: {DateTime.UtcNow:R}\r\nserver: envoy\r\ncontent-length: {body.Length}\r\nconnection: close\r\n\r\n"));
        return [.. head, .. body];
    }
}
