using System.Text.Json;

namespace LlmdDoctor.Simulator.EndpointPicker;

/// <summary>
/// What GIE does to the request body: <c>json.Unmarshal</c> into a map and <c>json.Marshal</c> back, so the body
/// the EPP streams to Envoy is compact with object keys sorted (Go sorts map keys) — same JSON, different bytes.
/// </summary>
internal static class JsonRemarshal
{
    /// <exception cref="JsonException">The body is not a JSON object (GIE: "Error unmarshaling request body").</exception>
    public static byte[] Remarshal(byte[] body, out bool hasModel)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the request body is not a JSON object");
        }

        hasModel = document.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString()!.Length > 0;
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            Write(writer, document.RootElement);
        }

        return output.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
