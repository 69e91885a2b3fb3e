using System.Text.Json;

namespace LlmdDoctor.Trace;

/// <summary>A trace the user asked for that cannot be run as asked (exit 2), with a message that says why.</summary>
public sealed class TraceUsageException(string message) : Exception(message);

/// <summary>
/// What <c>trace</c> was asked to send, validated: the gateway, the path or the model, the method, extra headers
/// (<c>K:V</c>; <c>Host</c> sets the Host) and the body (a file, or <c>-</c> for stdin, at most
/// <see cref="MaxBodyBytes"/>).
/// </summary>
public sealed record TraceRequestSpec
{
    /// <summary>Largest body a trace sends: a chat completion with a long prompt fits; a file of any size does not become memory.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Headers the doctor's HTTP client sets from the request itself; a user value would be ignored, so it is refused.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "Upgrade", "TE",
    };

    public required string GatewayNamespace { get; init; }
    public required string GatewayName { get; init; }
    public string? Model { get; init; }
    public string? Path { get; init; }

    /// <summary>The method; null means POST when there is a body to send, else GET.</summary>
    public string? Method { get; init; }

    public byte[]? Body { get; init; }

    /// <summary>The Host header the user gave, if any.</summary>
    public string? Host { get; init; }

    /// <summary>Other headers, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string GatewayKey => $"{GatewayNamespace}/{GatewayName}";

    /// <summary>Validates the command line; <paramref name="openBody"/> opens the body file (or stdin for <c>-</c>).</summary>
    public static TraceRequestSpec Parse(string gateway, string? model, string? path, string? method, string? bodyFile,
        IReadOnlyList<string> headers, Func<string, Stream> openBody)
    {
        ArgumentNullException.ThrowIfNull(openBody);
        if (gateway.Split('/') is not [{ Length: > 0 } ns, { Length: > 0 } name] || !IsPrintable(gateway))
        {
            throw new TraceUsageException($"--gateway {Quote(gateway)} is not NAMESPACE/NAME");
        }

        if (model is null && path is null)
        {
            throw new TraceUsageException("say what to send: --model ID (its chat completions path on the gateway) or --path PATH");
        }

        if (model is not null && (model.Length == 0 || !IsPrintable(model)))
        {
            throw new TraceUsageException($"--model {Quote(model)} is not a model id");
        }

        if (path is not null && (!path.StartsWith('/') || !IsPrintable(path) || path.Contains(' ', StringComparison.Ordinal)))
        {
            throw new TraceUsageException($"--path {Quote(path)} must be an absolute path such as /ns/model/v1/chat/completions (no spaces)");
        }

        if (method is not null && (method.Length == 0 || !IsToken(method)))
        {
            throw new TraceUsageException($"--method {Quote(method)} is not an HTTP method");
        }

        string? host = null;
        var parsed = new List<KeyValuePair<string, string>>();
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var key = colon > 0 ? header[..colon].Trim() : "";
            var value = colon > 0 ? header[(colon + 1)..].Trim(' ', '\t') : "";
            if (colon <= 0 || !IsToken(key) || !value.All(c => c == '\t' || (c >= ' ' && c != 127)))
            {
                throw new TraceUsageException($"--header {Quote(header)} is not NAME:VALUE (a token name, a value without line breaks or control characters)");
            }

            if (Reserved.Contains(key))
            {
                throw new TraceUsageException($"--header {key} is set by the doctor from the request itself");
            }

            if (string.Equals(key, "Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
                continue;
            }

            parsed.Add(new(key, value));
        }

        return new TraceRequestSpec
        {
            GatewayNamespace = ns,
            GatewayName = name,
            Model = model,
            Path = path,
            Method = method?.ToUpperInvariant(),
            Body = bodyFile is null ? null : ReadBody(bodyFile, openBody),
            Host = host,
            Headers = parsed,
        };
    }

    /// <summary>The <c>model</c> of a JSON body, when it names one.</summary>
    public static string? ModelOf(byte[]? body)
    {
        if (body is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] ReadBody(string file, Func<string, Stream> open)
    {
        Stream stream;
        try
        {
            stream = open(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TraceUsageException($"--body {Quote(file)} cannot be read: {ex.Message}");
        }

        using (stream)
        {
            if (stream.CanSeek && stream.Length > MaxBodyBytes)
            {
                throw new TraceUsageException($"--body {Quote(file)} is {stream.Length} bytes; a trace sends at most {MaxBodyBytes} bytes");
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    buffer.Write(chunk, 0, n);
                    if (buffer.Length > MaxBodyBytes)
                    {
                        throw new TraceUsageException($"--body {Quote(file)} is larger than {MaxBodyBytes} bytes, the most a trace sends");
                    }
                }
            }
            catch (IOException ex)
            {
                throw new TraceUsageException($"--body {Quote(file)} cannot be read: {ex.Message}");
            }

            return buffer.ToArray();
        }
    }

    // RFC 9110 token characters (a method, a field name).
    private static bool IsToken(string text) =>
        text.Length > 0 && text.All(c => c < 128 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)));

    private static bool IsPrintable(string text) => !text.Any(char.IsControl);

    /// <summary>User input in a message: quoted, control characters replaced, bounded.</summary>
    private static string Quote(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return $"'{(clean.Length <= 120 ? clean : clean[..120] + "…")}'";
    }
}
