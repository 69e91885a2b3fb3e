using System.Text.Json;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>Reads a 2xx OpenAI body: a model list (<c>{"object":"list","data":[{"id":…}]}</c>) or a completion (<c>choices</c>).</summary>
internal static class OpenAiAnswerReader
{
    public static (ProbeAnswer Answer, IReadOnlyList<string> Ids, string Problem) ReadModelList(ReadOnlyMemory<byte> body, bool complete)
    {
        if (!complete)
        {
            return (ProbeAnswer.NotJson, [], $"the model list is larger than the {body.Length} bytes the prober parses");
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return (ProbeAnswer.UnexpectedJson, [], "JSON without a \"data\" array: not an OpenAI model list");
            }

            var ids = data.EnumerateArray()
                .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(m => m.GetProperty("id").GetString()!)
                .ToList();
            return ids.Count > 0 ? (ProbeAnswer.ModelList, ids, "")
                : (ProbeAnswer.EmptyModelList, ids, "the model list is empty (\"data\": [])");
        }
        catch (JsonException ex)
        {
            return (ProbeAnswer.NotJson, [], $"not JSON: {ex.Message}");
        }
    }

    public static (ProbeAnswer Answer, string Problem) ReadCompletion(ReadOnlyMemory<byte> body, bool complete)
    {
        if (!complete)
        {
            return (ProbeAnswer.NotJson, $"the answer is larger than the {body.Length} bytes the prober parses");
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
                ? (ProbeAnswer.Completion, "")
                : (ProbeAnswer.UnexpectedJson, "JSON without \"choices\": not an OpenAI completion");
        }
        catch (JsonException ex)
        {
            return (ProbeAnswer.NotJson, $"not JSON: {ex.Message}");
        }
    }
}
