using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>
/// Builds and writes the manifests <c>fix</c> prints. Every string is a double-quoted YAML scalar written by
/// YamlDotNet's emitter, which escapes line breaks (including U+0085, U+2028, U+2029), control characters and
/// quotes, so a cluster-supplied name stays one scalar and can add neither a key nor a document.
/// </summary>
public static class Manifests
{
    /// <summary>A mapping from keys and values (string, bool, <see cref="YamlNode"/>, or a string list).</summary>
    public static YamlMappingNode Map(params (string Key, object Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            map.Add(Key(key), Node(value));
        }

        return map;
    }

    /// <summary>A sequence of nodes.</summary>
    public static YamlSequenceNode Seq(params object[] items) => new(items.Select(Node));

    /// <summary>A key: plain when it is a field name the doctor wrote (letters, digits, <c>_ . / -</c>), else double-quoted.</summary>
    private static YamlScalarNode Key(string key) =>
        key.Length > 0 && char.IsAsciiLetter(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-')
            ? new YamlScalarNode(key) { Style = ScalarStyle.Plain }
            : Str(key);

    /// <summary>A string scalar, always double-quoted.</summary>
    public static YamlScalarNode Str(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static YamlNode Node(object value) => value switch
    {
        YamlNode node => node,
        string s => Str(s),
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        IEnumerable<string> list => new YamlSequenceNode(list.Select(s => (YamlNode)Str(s))),
        _ => throw new ArgumentException($"unsupported manifest value {value.GetType().Name}", nameof(value)),
    };

    /// <summary>One YAML document (no <c>---</c>, no end marker), ending with a newline.</summary>
    public static string Write(YamlMappingNode manifest)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, manifest);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        var yaml = text.ToString();
        return yaml.EndsWith('\n') ? yaml : yaml + "\n";
    }

    private static void Emit(IEmitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                var plain = scalar.Style == ScalarStyle.Plain;
                emitter.Emit(new Scalar(null, null, scalar.Value ?? "", scalar.Style, plain, !plain));
                break;
            case YamlSequenceNode sequence:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in sequence)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case YamlMappingNode mapping:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (key, value) in mapping)
                {
                    Emit(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
        }
    }

    /// <summary>
    /// A cluster-supplied string fit for a comment or a shell line: unchanged when it is a plain Kubernetes name
    /// (lower-case letters, digits, <c>-</c>, <c>.</c>), else quoted with every character outside printable
    /// ASCII, and every quote or backslash, as <c>\uXXXX</c>, so it can never end the comment line, break out of
    /// the quotes or drive the terminal.
    /// </summary>
    public static string Quote(string value)
    {
        if (IsKubernetesName(value))
        {
            return value;
        }

        var b = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\' and not '\'' and not '$' and not '`')
            {
                b.Append(c);
            }
            else
            {
                b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return b.Append('"').ToString();
    }

    /// <summary>A DNS-1123 subdomain (what Kubernetes accepts as most object names): safe unquoted in a shell line.</summary>
    public static bool IsKubernetesName(string value) =>
        value.Length is > 0 and <= 253
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
        && char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]);
}
