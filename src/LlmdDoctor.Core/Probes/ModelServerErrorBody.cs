using System.Text.Json;

namespace LlmdDoctor.Core.Probes;

/// <summary>
/// An error body in vLLM's OpenAI shapes: flat <c>{"object":"error","message",…,"code"}</c> (before vLLM v0.10.1),
/// nested <c>{"error":{"message",…}}</c> (v0.10.1+, vLLM PR #22099), or FastAPI's default
/// <c>{"detail":…}</c> (routes vLLM does not wrap, e.g. 404 for an unknown path).
/// </summary>
public sealed record ModelServerErrorBody(string Message, string Type, string? Param, bool FastApiDetail)
{
    public static bool TryParse(string body, out ModelServerErrorBody error)
    {
        error = null!;
        if (body.Length == 0 || body.TrimStart() is not ['{', ..])
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                error = new ModelServerErrorBody(Text(nested, "message"), Text(nested, "type"), ParamOf(nested), false);
                return true;
            }

            if (Text(root, "object") == "error" || (root.TryGetProperty("message", out _) && root.TryGetProperty("code", out _)))
            {
                error = new ModelServerErrorBody(Text(root, "message"), Text(root, "type"), ParamOf(root), false);
                return true;
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                error = new ModelServerErrorBody(detail.ValueKind == JsonValueKind.String ? detail.GetString() ?? "" : detail.GetRawText(), "", null, true);
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>
    /// FastAPI's validation error for an absent body: <c>'msg': 'Field required'</c> at <c>loc ('body',)</c>
    /// (GIE issue #934 shows the flat form; current vLLM puts it in a nested message with <c>"param":"body"</c>).
    /// </summary>
    public bool IsMissingBody =>
        Message.Contains("Field required", StringComparison.Ordinal)
        && (Param == "body" || Message.Contains("'body'", StringComparison.Ordinal) || Message.Contains("\"body\"", StringComparison.Ordinal));

    /// <summary>vLLM's unknown-model answer: <c>The model `x` does not exist.</c> (OpenAIServing._check_model).</summary>
    public bool IsUnknownModel => Message.Contains("does not exist", StringComparison.Ordinal)
        && (Message.StartsWith("The model", StringComparison.Ordinal) || Type == "NotFoundError");

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText() : "";

    private static string? ParamOf(JsonElement e) =>
        e.TryGetProperty("param", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
