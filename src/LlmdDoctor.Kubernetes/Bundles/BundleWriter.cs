using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Security;

namespace LlmdDoctor.Kubernetes;

/// <summary>The file format <see cref="BundleWriter"/> writes objects in.</summary>
public enum BundleFormat
{
    Yaml,
    Json,
}

/// <summary>
/// Writes a bundle (design.md §9) that <see cref="BundleReader"/> and <c>analyze</c> read back: one List file
/// per kind under <c>cluster/</c>, <c>collection-status</c>, and Envoy admin output under
/// <c>envoy/&lt;namespace&gt;/&lt;pod&gt;/</c>. Secrets are written as metadata and type only; token-bearing
/// annotations lose their value; every known credential is scrubbed from every file. File and folder names made from
/// cluster strings (kind, group, namespace, pod) pass <see cref="SafeFileName"/>: nothing is written outside the root.
/// </summary>
public sealed class BundleWriter(string root, BundleFormat format = BundleFormat.Yaml)
{
    private static readonly string[] SecretMetadataKeys = ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "labels", "annotations", "ownerReferences"];

    public string Root { get; } = Path.GetFullPath(root);

    private string Extension => format == BundleFormat.Yaml ? ".yaml" : ".json";

    /// <summary>Writes the objects grouped by apiVersion group and kind; returns the files written.</summary>
    public IReadOnlyList<string> WriteObjects(IEnumerable<JsonObject> objects)
    {
        var written = new List<string>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var groups = objects
            .Select(Sanitize)
            .GroupBy(o => (Group: GroupOf(Text(o, "apiVersion") ?? ""), Kind: Text(o, "kind") ?? "Unknown"))
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Group, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var name = SafeFileName.Of(group.Key.Kind.ToLowerInvariant() + (group.Key.Group.Length == 0 ? "" : "." + group.Key.Group));
            // Case-insensitive file systems, and two hostile names hashed alike: never overwrite a list already written.
            var unique = name;
            for (var n = 2; !taken.Add(unique); n++)
            {
                unique = $"{name}-{n}";
            }

            name = unique;

            var list = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "List",
                ["items"] = new JsonArray([.. group.OrderBy(o => Text(o["metadata"], "namespace"), StringComparer.Ordinal)
                    .ThenBy(o => Text(o["metadata"], "name"), StringComparer.Ordinal)]),
            };
            written.Add(Write(Path.Combine("cluster", name + Extension), list));
        }

        return written;
    }

    /// <summary>Records how each input fared, so <c>analyze</c> does not take a denied kind for an empty one.</summary>
    public string WriteCollectionStatus(IReadOnlyDictionary<CheckInput, InputState> inputs) =>
        Write(CollectionStatus.FileName + Extension, ScrubStrings(CollectionStatus.ToObject(inputs)));

    /// <summary>
    /// Saves one Envoy admin output (e.g. <see cref="EnvoyPodFiles.ConfigDumpFile"/>) of a gateway pod, line by line
    /// with every known credential scrubbed (a dump can hold a header value a filter adds).
    /// </summary>
    public async Task<string> WriteEnvoyFileAsync(string ns, string pod, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(EnvoyDirectory(ns, pod), SafeFileName.Of(fileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            if (!KnownCredentials.Any)
            {
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                return path;
            }

            using var reader = new StreamReader(content, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            var writer = new StreamWriter(file, new UTF8Encoding(false), leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    await writer.WriteAsync(KnownCredentials.Scrub(line).AsMemory(), cancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return path;
    }

    /// <summary>Copies the known Envoy files found in <paramref name="sourceDirectory"/> (e.g. another bundle's pod folder).</summary>
    public IReadOnlyList<string> CopyEnvoyFiles(string ns, string pod, string sourceDirectory)
    {
        var target = EnvoyDirectory(ns, pod);
        Directory.CreateDirectory(target);
        var copied = new List<string>();
        foreach (var name in new[] { EnvoyPodFiles.ConfigDumpFile, EnvoyPodFiles.StatsFile, EnvoyPodFiles.ClustersFile, EnvoyPodFiles.ServerInfoFile })
        {
            var source = Path.Combine(sourceDirectory, name);
            if (File.Exists(source))
            {
                var path = Path.Combine(target, name);
                File.Copy(source, path, overwrite: true);
                copied.Add(path);
            }
        }

        return copied;
    }

    private string EnvoyDirectory(string ns, string pod) => Path.Combine(Root, "envoy", SafeFileName.Of(ns), SafeFileName.Of(pod));

    private string Write(string relative, JsonObject content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        if (format == BundleFormat.Yaml)
        {
            YamlJson.WriteDocument(content, writer);
        }
        else
        {
            writer.Flush();
            using (var json = new Utf8JsonWriter(writer.BaseStream, new JsonWriterOptions { Indented = true }))
            {
                content.WriteTo(json);
            }

            writer.BaseStream.WriteByte((byte)'\n');
        }

        return path;
    }

    /// <summary>
    /// A copy without managedFields and last-applied annotations, with token-bearing annotation values replaced, every
    /// known credential scrubbed, and, for Secrets, nothing but metadata and type (no <c>data</c>, no <c>stringData</c>).
    /// </summary>
    private static JsonObject Sanitize(JsonObject source)
    {
        var obj = (JsonObject)source.DeepClone();
        if (obj["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations)
            {
                annotations.Remove("kubectl.kubernetes.io/last-applied-configuration");
                foreach (var (key, value) in annotations.ToList())
                {
                    var text = value is JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
                    if (TokenShapes.TokenAnnotations.Contains(key) || TokenShapes.LooksLikeToken(text))
                    {
                        annotations[key] = KnownCredentials.Redacted;
                    }
                }
            }
        }

        ScrubStrings(obj);
        if (Text(obj, "kind") != "Secret" || Text(obj, "apiVersion") != "v1")
        {
            return obj;
        }

        var secretMetadata = new JsonObject();
        if (obj["metadata"] is JsonObject m)
        {
            foreach (var key in SecretMetadataKeys.Where(m.ContainsKey))
            {
                secretMetadata[key] = m[key]?.DeepClone();
            }
        }

        var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = secretMetadata };
        if (Text(obj, "type") is { } type)
        {
            secret["type"] = type;
        }

        return secret;
    }

    /// <summary>Scrubs every string value of <paramref name="node"/> in place (an echo of a credential in a status message, an annotation).</summary>
    private static JsonObject ScrubStrings(JsonObject node)
    {
        if (KnownCredentials.Any)
        {
            Scrub(node);
        }

        return node;

        static void Scrub(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        if (value is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            var scrubbed = KnownCredentials.Scrub(s);
                            if (scrubbed != s)
                            {
                                o[key] = scrubbed;
                            }
                        }
                        else
                        {
                            Scrub(value);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (a[i] is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            var scrubbed = KnownCredentials.Scrub(s);
                            if (scrubbed != s)
                            {
                                a[i] = scrubbed;
                            }
                        }
                        else
                        {
                            Scrub(a[i]);
                        }
                    }

                    break;
            }
        }
    }

    private static string GroupOf(string apiVersion) =>
        apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    private static string? Text(JsonNode? node, string key) =>
        node is JsonObject obj && obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
