using System.Text.Json;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// The smallest inference request there is: one token, not streamed. Chat:
/// <c>{"model":…,"messages":[{"role":"user","content":"ping"}],"max_tokens":1,"stream":false}</c>;
/// completions: <c>{"model":…,"prompt":"ping","max_tokens":1,"stream":false}</c>.
/// </summary>
public static class InferenceRequestBody
{
    /// <summary>A probe never asks for more than this many tokens.</summary>
    public const int MaxTokens = 1;

    public static byte[] For(ProbeKind kind, string model)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            if (kind == ProbeKind.Completions)
            {
                json.WriteString("prompt", "ping");
            }
            else
            {
                json.WriteStartArray("messages");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteString("content", "ping");
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteNumber("max_tokens", MaxTokens);
            json.WriteBoolean("stream", false);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
