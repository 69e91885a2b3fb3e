using System.Text.Json;

namespace LlmdDoctor.Envoy.ConfigDump;

/// <summary>
/// Tolerant reads of proto JSON: a field by its snake_case name (admin output) or its camelCase JSON name
/// (istioctl testdata, hand-made dumps); wrong kinds read as absent rather than throwing.
/// </summary>
internal static class ProtoJson
{
    public static JsonElement? Prop(this JsonElement obj, string snakeName)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (obj.TryGetProperty(snakeName, out var value))
        {
            return value;
        }

        var camel = Names.ToCamel(snakeName);
        return camel != snakeName && obj.TryGetProperty(camel, out value) ? value : null;
    }

    public static JsonElement? Prop(this JsonElement? obj, string snakeName) => obj is { } o ? o.Prop(snakeName) : null;

    /// <summary>A string or number field as text.</summary>
    public static string? Str(this JsonElement? obj, string snakeName) => obj.Prop(snakeName) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    public static string? Str(this JsonElement obj, string snakeName) => ((JsonElement?)obj).Str(snakeName);

    /// <summary>A bool, also as a BoolValue wrapper object <c>{"value": true}</c>; null when absent.</summary>
    public static bool? Bool(this JsonElement? obj, string snakeName) => obj.Prop(snakeName) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.Object } wrapper => wrapper.Prop("value") switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => false,
        },
        { ValueKind: JsonValueKind.String } s when bool.TryParse(s.GetString(), out var b) => b,
        _ => null,
    };

    public static int? Int(this JsonElement? obj, string snakeName) => obj.Prop(snakeName) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static IEnumerable<JsonElement> Array(this JsonElement? obj, string snakeName) =>
        obj.Prop(snakeName) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>The message name of an Any's <c>@type</c> (<c>ExtProcPerRoute</c> of <c>type.googleapis.com/envoy….v3.ExtProcPerRoute</c>).</summary>
    public static string? TypeName(this JsonElement? any) => TypeName(any.Str("@type"));

    public static string? TypeName(string? typeUrl)
    {
        if (typeUrl is null)
        {
            return null;
        }

        var name = typeUrl[(typeUrl.LastIndexOf('/') + 1)..];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}

/// <summary>Proto field naming both ways.</summary>
internal static class Names
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Camel = new(StringComparer.Ordinal);

    /// <summary>The camelCase JSON name of a snake_case proto field (cached: it is asked per route).</summary>
    public static string ToCamel(string snake) => Camel.GetOrAdd(snake, static s =>
    {
        if (!s.Contains('_', StringComparison.Ordinal))
        {
            return s;
        }

        var parts = s.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    });
}
