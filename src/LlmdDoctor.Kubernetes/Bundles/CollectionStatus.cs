using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// How each input fared when a bundle was collected, stored as an object of the doctor's own kind so that a
/// bundle stays "a directory of Kubernetes objects" (the snapshot builder ignores kinds it does not know).
/// </summary>
internal static class CollectionStatus
{
    public const string ApiVersion = "doctor.llm-d.ai/v1";
    public const string Kind = "CollectionStatus";
    public const string FileName = "collection-status";

    public static JsonObject ToObject(IReadOnlyDictionary<CheckInput, InputState> inputs) => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = Kind,
        ["inputs"] = new JsonArray([.. inputs.OrderBy(i => i.Key).Select(i => (JsonNode)new JsonObject
        {
            ["input"] = i.Key.ToString(),
            ["status"] = i.Value.Status.ToString(),
            ["source"] = i.Value.Source,
            ["reason"] = i.Value.Reason,
        })]),
    };

    public static bool TryRead(JsonNode? node, Dictionary<CheckInput, InputState> into)
    {
        if (node is not JsonObject obj || Text(obj, "kind") != Kind || Text(obj, "apiVersion") != ApiVersion)
        {
            return false;
        }

        foreach (var entry in (obj["inputs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Enum.TryParse<CheckInput>(Text(entry, "input"), out var input) && Enum.TryParse<InputStatus>(Text(entry, "status"), out var status))
            {
                into[input] = new InputState(status, Text(entry, "source") ?? "", Text(entry, "reason") ?? "");
            }
        }

        return true;
    }

    private static string? Text(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
