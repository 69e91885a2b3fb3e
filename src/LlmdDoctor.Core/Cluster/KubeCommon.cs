using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmdDoctor.Core.Cluster;

/// <summary>The part of <c>metadata</c> the checks read.</summary>
public sealed class ObjectMeta
{
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public long? Generation { get; set; }
    public string? CreationTimestamp { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public Dictionary<string, string> Annotations { get; set; } = [];
    public List<OwnerReference> OwnerReferences { get; set; } = [];

    public string Key => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}/{Name}";
    public string Ns => Namespace ?? "";
}

public sealed class OwnerReference
{
    public string? ApiVersion { get; set; }
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public bool? Controller { get; set; }
}

/// <summary>A status condition (<c>metav1.Condition</c> or the older duck type).</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public long? ObservedGeneration { get; set; }
    public string? LastTransitionTime { get; set; }

    public bool IsTrue => string.Equals(Status, "True", StringComparison.OrdinalIgnoreCase);
    public bool IsFalse => string.Equals(Status, "False", StringComparison.OrdinalIgnoreCase);
}

public static class ConditionList
{
    public static Condition? Find(this IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));
}

/// <summary>A <c>metav1.LabelSelector</c>: matchLabels and matchExpressions, ANDed.</summary>
public sealed class LabelSelector
{
    public Dictionary<string, string> MatchLabels { get; set; } = [];
    public List<LabelSelectorRequirement> MatchExpressions { get; set; } = [];

    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>Kubernetes semantics: an empty selector matches everything.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return MatchExpressions.All(e => e.Matches(labels));
    }

    public static LabelSelector FromMap(Dictionary<string, string>? map) => new() { MatchLabels = map ?? [] };

    public override string ToString()
    {
        var parts = MatchLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")
            .Concat(MatchExpressions.Select(e => e.ToString()));
        return string.Join(",", parts);
    }
}

public sealed class LabelSelectorRequirement
{
    public string Key { get; set; } = "";
    public string Operator { get; set; } = "";
    public List<string> Values { get; set; } = [];

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "In" => has && Values.Contains(value!),
            "NotIn" => !has || !Values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        "Exists" => Key,
        "DoesNotExist" => "!" + Key,
        _ => $"{Key} {Operator.ToLowerInvariant()} ({string.Join(",", Values)})",
    };
}

/// <summary>A Kubernetes <c>IntOrString</c> (ports, targetPorts).</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public readonly record struct IntOrString(int? Number, string? Name)
{
    public override string ToString() => Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "";
}

public sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
        {
            return new IntOrString(n, null);
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString() ?? "";
            return int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? new IntOrString(parsed, null)
                : new IntOrString(null, s);
        }

        throw new JsonException($"expected a number or a string, found {reader.TokenType}");
    }

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.Number is { } n)
        {
            writer.WriteNumberValue(n);
        }
        else
        {
            writer.WriteStringValue(value.Name);
        }
    }
}

/// <summary>
/// Reads a string from a string, number or boolean token: hand-written YAML often leaves label values
/// such as <c>version: 1</c> unquoted, and the doctor must not reject the object for it. With a
/// <see cref="StringPool"/> every string read (values and dictionary keys) comes from the pool.
/// </summary>
public sealed class LenientStringConverter : JsonConverter<string>
{
    /// <summary>Longest token, in UTF-8 bytes, decoded on the stack before the pool is asked (longer ones are not pooled anyway).</summary>
    private const int StackBytes = StringPool.MaxLength * 3;

    private readonly StringPool? _pool;

    public LenientStringConverter()
    {
    }

    public LenientStringConverter(StringPool pool) => _pool = pool;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => Text(ref reader),
        JsonTokenType.Number => Pooled(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray())),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw new JsonException($"expected a string, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Text(ref reader) ?? "";

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value);

    /// <summary>The token's text; from the pool without an intermediate string when it is short.</summary>
    private string? Text(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (_pool is null || length > StackBytes)
        {
            return Pooled(reader.GetString());
        }

        Span<char> chars = stackalloc char[StackBytes];
        return _pool.Get(chars[..reader.CopyString(chars)]);
    }

    private string? Pooled(string? text) => text is null || _pool is null ? text : _pool.Get(text);
}
