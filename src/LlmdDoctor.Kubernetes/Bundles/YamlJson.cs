using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Converts between YAML (YamlDotNet's representation model, no reflection) and <see cref="JsonNode"/>.
/// Plain scalars follow the YAML 1.2 core schema, as sigs.k8s.io/yaml reads what kubectl prints: null, ~ and
/// empty are null; true/false are booleans; decimal, 0o and 0x integers and decimal floats are numbers;
/// everything else, and every quoted scalar, is a string. Anchors, aliases and <c>&lt;&lt;</c> merge keys are resolved.
/// </summary>
public static partial class YamlJson
{
    /// <summary>Deepest nesting of collections accepted (kubectl output nests a few dozen levels).</summary>
    public const int MaxDepth = 256;

    /// <summary>Most JSON nodes one text may expand to once aliases are resolved.</summary>
    public const int MaxNodes = 4_000_000;

    /// <summary>
    /// Most nodes aliases may add beyond the nodes the text writes out (an alias bomb stops here). The check counts
    /// nodes as it builds them, so the memory an alias bomb can take is what this many nodes hold (tens of MiB), not
    /// what <see cref="MaxNodes"/> would allow (hundreds).
    /// </summary>
    public const int MaxAliasNodes = 500_000;

    /// <summary>Every document of a YAML text, null for empty ones.</summary>
    /// <exception cref="YamlException">
    /// Malformed YAML, nesting deeper than <see cref="MaxDepth"/>, or aliases adding more than <see cref="MaxAliasNodes"/>
    /// nodes (or more than <see cref="MaxNodes"/> in all); <see cref="YamlException.Start"/> has the line and column.
    /// </exception>
    public static IReadOnlyList<JsonNode?> ParseDocuments(string yaml)
    {
        // The parser is a state machine; loading the representation model recurses once per level. Measure the
        // depth from the events first, so a deeply nested text is an error, not a stack overflow.
        var written = CheckDepth(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet reports a duplicate mapping key this way on some paths.
            throw new YamlException(Mark.Empty, Mark.Empty, ex.Message, ex);
        }

        var budget = new int[] { (int)Math.Min(MaxNodes, written + (long)MaxAliasNodes) };
        return [.. stream.Documents.Select(d => ToJson(d.RootNode, 0, budget))];
    }

    /// <summary>Checks the nesting depth from the parser's events and counts the nodes the text writes out (aliases not expanded).</summary>
    private static long CheckDepth(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        var written = 0L;
        var last = Mark.Empty;
        while (NextEvent(parser, last))
        {
            last = parser.Current!.End;
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    written++;
                    if (++depth > MaxDepth)
                    {
                        throw new YamlException(parser.Current.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels");
                    }

                    break;
                case YamlDotNet.Core.Events.Scalar:
                    written++;
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }

        return written;
    }

    /// <summary>
    /// The parser's next event. YamlDotNet 16.3.0's scanner throws InvalidOperationException on some malformed flow
    /// mappings (<c>{a: 1, b&lt;&lt;: *a⏎c: 2}</c>, found by the fuzz harness) instead of a YamlException: that too is
    /// malformed YAML, placed after the last event read. The events are read here before the model is loaded, so the
    /// load never meets it.
    /// </summary>
    private static bool NextEvent(Parser parser, Mark last)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (InvalidOperationException ex)
        {
            throw new YamlException(last, last, "the YAML reader could not go on after this point", ex);
        }
    }

    private static JsonNode? ToJson(YamlNode node, int depth, int[] budget)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(node.Start, node.End, $"nesting deeper than {MaxDepth} levels (a recursive alias?)");
        }

        if (--budget[0] < 0)
        {
            throw new YamlException(node.Start, node.End, $"aliases expand to more than {MaxAliasNodes} nodes beyond the text's own, or the text to more than {MaxNodes} (an alias bomb?)");
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                return Scalar(scalar);
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var child in sequence)
                {
                    array.Add(ToJson(child, depth + 1, budget));
                }

                return array;
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name } keyScalar)
                    {
                        throw new YamlException(key.Start, key.End, "a mapping key must be a scalar");
                    }

                    if (name == "<<" && keyScalar.Style == ScalarStyle.Plain)
                    {
                        continue;
                    }

                    obj[name] = ToJson(value, depth + 1, budget);
                }

                ApplyMergeKey(mapping, obj, depth, budget);
                return obj;
            default:
                throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}");
        }
    }

    /// <summary>YAML 1.1 merge keys, which go-yaml (and so kubectl) honours: explicit keys win over merged ones.</summary>
    private static void ApplyMergeKey(YamlMappingNode mapping, JsonObject obj, int depth, int[] budget)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merge))
        {
            return;
        }

        var sources = merge switch
        {
            YamlMappingNode single => [single],
            YamlSequenceNode list => list.OfType<YamlMappingNode>().ToList(),
            _ => throw new YamlException(merge.Start, merge.End, "a << merge key needs a mapping or a list of mappings"),
        };
        foreach (var source in sources)
        {
            if (ToJson(source, depth + 1, budget) is JsonObject merged)
            {
                foreach (var (key, value) in merged.ToList())
                {
                    if (!obj.ContainsKey(key))
                    {
                        merged.Remove(key);
                        obj[key] = value;
                    }
                }
            }
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if ((DecimalInteger().IsMatch(text) || DecimalFloat().IsMatch(text)) && AsJsonNumber(text) is { } number)
        {
            return number;
        }

        if (DecimalInteger().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l)
                : decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d)
                : JsonValue.Create(text);
        }

        if (text.Length > 2 && text.StartsWith("0o", StringComparison.Ordinal) && text[2..].All(c => c is >= '0' and <= '7'))
        {
            try
            {
                return JsonValue.Create(Convert.ToInt64(text[2..], 8));
            }
            catch (OverflowException)
            {
                return JsonValue.Create(text);
            }
        }

        if (text.Length > 2 && text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (DecimalFloat().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f))
        {
            return JsonValue.Create(f);
        }

        // .inf and .nan have no JSON form; like any other plain text they stay strings.
        return JsonValue.Create(text);
    }

    /// <summary>
    /// Keeps the number's text as written (<c>1.0</c> stays <c>1.0</c>, not <c>1</c>) when it is also a JSON
    /// number, so a lenient reader that turns an unquoted label value back into a string sees what the author wrote.
    /// </summary>
    private static JsonNode? AsJsonNumber(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(y|n|yes|no|on|off)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Yaml11Boolean();

    [GeneratedRegex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalFloat();

    /// <summary>Writes a JSON value as one YAML document; strings that would read back as something else are quoted.</summary>
    public static void WriteDocument(JsonNode? node, TextWriter writer)
    {
        var stream = new YamlStream(new YamlDocument(ToYaml(node)));
        stream.Save(writer, assignAnchors: false);
    }

    private static YamlNode ToYaml(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            case JsonObject obj:
                var mapping = new YamlMappingNode();
                foreach (var (key, value) in obj)
                {
                    mapping.Add(StringNode(key), ToYaml(value));
                }

                return mapping;
            case JsonArray array:
                var sequence = new YamlSequenceNode();
                foreach (var item in array)
                {
                    sequence.Add(ToYaml(item));
                }

                return sequence;
            default:
                var scalar = (JsonValue)node;
                return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => StringNode(scalar.GetValue<string>()),
                    JsonValueKind.True => new YamlScalarNode("true") { Style = ScalarStyle.Plain },
                    JsonValueKind.False => new YamlScalarNode("false") { Style = ScalarStyle.Plain },
                    JsonValueKind.Null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
                    _ => new YamlScalarNode(scalar.ToJsonString()) { Style = ScalarStyle.Plain },
                };
        }
    }

    private static YamlScalarNode StringNode(string text)
    {
        if (text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal)
            && !text.Split('\n').Any(l => l.EndsWith(' ') || l.EndsWith('\t')))
        {
            return new YamlScalarNode(text) { Style = ScalarStyle.Literal };
        }

        // A plain scalar that the core schema (or YAML 1.1's yes/no/on/off, which go-yaml v2 still reads as
        // booleans) would read as something other than this string must be quoted.
        var plain = new YamlScalarNode(text) { Style = ScalarStyle.Plain };
        return !Yaml11Boolean().IsMatch(text)
            && Scalar(plain) is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == text
            ? new YamlScalarNode(text) { Style = ScalarStyle.Any }
            : new YamlScalarNode(text) { Style = ScalarStyle.DoubleQuoted };
    }
}
