using System.Text;

namespace LlmdDoctor.Envoy.ExtProc;

/// <summary>The synthetic downstream HTTP request an ext_proc conversation presents to the EPP, as Envoy would.</summary>
public sealed record ExtProcProbeRequest
{
    /// <summary>HTTP method (<c>:method</c>).</summary>
    public string Method { get; init; } = "POST";

    /// <summary>Request path (<c>:path</c>), e.g. <c>/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Host (<c>:authority</c>).</summary>
    public string Authority { get; init; } = "llmd-doctor.probe";

    /// <summary>Scheme (<c>:scheme</c>).</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>Regular headers; content-type, content-length and x-request-id are added when absent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Request body (usually OpenAI JSON); empty means a body-less request (end_of_stream on the headers).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>A minimal chat completion request for <paramref name="model"/> (one user message, one token).</summary>
    public static ExtProcProbeRequest ChatCompletion(string model, string path = "/v1/chat/completions")
    {
        var json = $$"""{"model":{{JsonString(model)}},"messages":[{"role":"user","content":"llm-d doctor probe"}],"max_tokens":1,"stream":false}""";
        return new ExtProcProbeRequest { Path = path, Body = Encoding.UTF8.GetBytes(json) };
    }

    private static string JsonString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                < ' ' => builder.Append($"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }
        return builder.Append('"').ToString();
    }
}
