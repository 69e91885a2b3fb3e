using System.Globalization;
using System.Text;

namespace LlmdDoctor.Kubernetes;

/// <summary>A minimal HTTP/1.1 response parser for what comes back through a port-forward (Content-Length, chunked, or until close).</summary>
internal static class PodHttp
{
    /// <summary>
    /// The response once it is complete; null while more bytes are needed. With <paramref name="complete"/> the
    /// stream has ended, so a body without length runs to the end, and a truncated one is an error.
    /// </summary>
    public static PodHttpResponse? TryParse(ReadOnlySpan<byte> data, bool complete, string what)
    {
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return complete && data.Length > 0 ? throw Malformed(what, "no complete header") : null;
        }

        var lines = Encoding.ASCII.GetString(data[..headerEnd]).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw Malformed(what, "not an HTTP/1.x status line");
        }

        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = data[(headerEnd + 4)..];

        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return Dechunk(body, complete, what) is { } decoded ? new PodHttpResponse(status, new MemoryStream(decoded, writable: false)) : null;
        }

        if (headers.TryGetValue("Content-Length", out var lengthText))
        {
            if (!long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw Malformed(what, "bad Content-Length");
            }

            if (body.Length < length)
            {
                return complete ? throw Malformed(what, $"the body ended after {body.Length} of {length} bytes") : null;
            }

            return new PodHttpResponse(status, new MemoryStream(body[..(int)length].ToArray(), writable: false));
        }

        return complete ? new PodHttpResponse(status, new MemoryStream(body.ToArray(), writable: false)) : null;
    }

    private static byte[]? Dechunk(ReadOnlySpan<byte> body, bool complete, string what)
    {
        var output = new MemoryStream();
        var position = 0;
        while (true)
        {
            var lineEnd = body[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return complete ? throw Malformed(what, "a chunk header is cut off") : null;
            }

            var sizeText = Encoding.ASCII.GetString(body.Slice(position, lineEnd)).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw Malformed(what, $"bad chunk size \"{sizeText}\"");
            }

            position += lineEnd + 2;
            if (size == 0)
            {
                return output.ToArray();
            }

            if (body.Length < position + size + 2)
            {
                return complete ? throw Malformed(what, "a chunk is cut off") : null;
            }

            output.Write(body.Slice(position, size));
            position += size + 2;
        }
    }

    private static KubeUnavailableException Malformed(string what, string reason) => new($"{what}: malformed HTTP answer: {reason}", null);
}
