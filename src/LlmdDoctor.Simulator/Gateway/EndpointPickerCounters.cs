using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// How a gateway's Envoy counters for its Endpoint Picker clusters move while the simulator runs. Envoy's gRPC client
/// keeps its HTTP/2 connection to the EPP, so a working stream opens nothing new; a TLS handshake the gateway refuses
/// (the EPP's self-signed certificate) is a new connection attempt every stream, counted in <c>upstream_cx_total</c>,
/// <c>upstream_cx_connect_fail</c> and <c>ssl.fail_verify_error</c> alike (the seed write-up's 57 = 57 = 57), and in
/// the host's <c>cx_total</c>/<c>cx_connect_fail</c> in <c>/clusters</c>. <see cref="EnvoyAdmin"/> adds these to the
/// bundle's numbers, so a doctor reading two cycles sees them grow. The ext_proc filter's own counters
/// (<c>http.&lt;prefix&gt;.ext_proc.streams_started</c>, <c>stream_msgs_sent</c>, <c>message_timeouts</c>, …; envoy
/// <c>ext_proc.h</c> <c>ALL_EXT_PROC_FILTER_STATS</c>) are counted per event by <see cref="Count"/>; a counter the
/// bundle's stats do not list is added to them.
/// </summary>
internal sealed class EndpointPickerCounters
{
    private static readonly string[] StatCounters = ["upstream_cx_total", "upstream_cx_connect_fail", "ssl.fail_verify_error"];
    private static readonly string[] HostCounters = ["cx_total", "cx_connect_fail"];
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counted = new(StringComparer.Ordinal);

    /// <summary>Adds one to the counter with the full stat name <paramref name="stat"/>.</summary>
    public void Count(string stat) => _counted.AddOrUpdate(stat, 1, (_, n) => n + 1);

    /// <summary>What <see cref="Count"/> added to <paramref name="stat"/> so far.</summary>
    public long Counted(string stat) => _counted.GetValueOrDefault(stat);

    /// <summary>Counts one ext_proc stream whose TLS handshake with <paramref name="cluster"/> failed verification.</summary>
    public void TlsRefused(string cluster) => _refused.AddOrUpdate(cluster, 1, (_, n) => n + 1);

    /// <summary>Refused handshakes counted for <paramref name="cluster"/> so far.</summary>
    public long Refused(string cluster) => _refused.GetValueOrDefault(cluster);

    /// <summary><c>/stats</c> text with the counts added to each EPP cluster's counters.</summary>
    public byte[] Stats(byte[] text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rewritten = Rewrite(text, (name, value) =>
        {
            seen.Add(name);
            return value + _counted.GetValueOrDefault(name) + RefusedStat(name);
        }, ": ");
        var missing = _counted.Keys.Where(k => !seen.Contains(k)).ToList();
        if (missing.Count == 0)
        {
            return rewritten;
        }

        // Envoy prints counters and gauges sorted by name: a counter the bundle lacks goes before the first larger name.
        var lines = Encoding.UTF8.GetString(rewritten).Split('\n').ToList();
        foreach (var stat in missing.Order(StringComparer.Ordinal))
        {
            var at = lines.FindIndex(l => l.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0
                && string.CompareOrdinal(l[..colon], stat) > 0 && long.TryParse(l.AsSpan(colon + 2), NumberStyles.None, CultureInfo.InvariantCulture, out _));
            lines.Insert(at >= 0 ? at : lines.Count > 0 && lines[^1].Length == 0 ? lines.Count - 1 : lines.Count, $"{stat}: {_counted[stat].ToString(CultureInfo.InvariantCulture)}");
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    private long RefusedStat(string name)
    {
        foreach (var (cluster, refused) in _refused)
        {
            foreach (var counter in StatCounters)
            {
                if (name == $"cluster.{cluster}.{counter}")
                {
                    return refused;
                }
            }
        }

        return 0;
    }

    /// <summary><c>/clusters</c> text with the counts added to the first host of each EPP cluster.</summary>
    public byte[] Clusters(byte[] text)
    {
        var firstHost = new Dictionary<string, string>(StringComparer.Ordinal);
        return Rewrite(text, (name, value) =>
        {
            foreach (var (cluster, refused) in _refused)
            {
                var parts = name.Split("::");
                if (parts.Length == 3 && parts[0] == cluster && HostCounters.Contains(parts[2]) && firstHost.TryAdd(cluster + "::" + parts[2], parts[1]))
                {
                    return value + refused;
                }
            }

            return value;
        }, "::");
    }

    /// <summary>Each line <c>name{separator}number</c> gets <paramref name="adjust"/>(name, number); other lines stay as they are.</summary>
    private byte[] Rewrite(byte[] text, Func<string, long, long> adjust, string separator)
    {
        if (_refused.IsEmpty && _counted.IsEmpty)
        {
            return text;
        }

        var output = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(text).Split('\n'))
        {
            var at = line.LastIndexOf(separator, StringComparison.Ordinal);
            if (output.Length > 0)
            {
                output.Append('\n');
            }

            if (at > 0 && long.TryParse(line.AsSpan(at + separator.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                var name = line[..at];
                output.Append(name).Append(separator).Append(adjust(name, value).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                output.Append(line);
            }
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }
}
