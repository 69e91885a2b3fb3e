using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;

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
/// <c>envoy/&lt;namespace&gt;/&lt;pod&gt;/</c>. Secrets are written as metadata and type only.
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
        var groups = objects
            .Select(Sanitize)
            .GroupBy(o => (Group: GroupOf(Text(o, "apiVersion") ?? ""), Kind: Text(o, "kind") ?? "Unknown"))
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Group, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var name = group.Key.Kind.ToLowerInvariant() + (group.Key.Group.Length == 0 ? "" : "." + group.Key.Group);
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
        Write(CollectionStatus.FileName + Extension, CollectionStatus.ToObject(inputs));

    /// <summary>Saves one Envoy admin output (e.g. <see cref="EnvoyPodFiles.ConfigDumpFile"/>) of a gateway pod.</summary>
    public async Task<string> WriteEnvoyFileAsync(string ns, string pod, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(EnvoyDirectory(ns, pod), SafeSegment(fileName));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
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

    private string EnvoyDirectory(string ns, string pod) => Path.Combine(Root, "envoy", SafeSegment(ns), SafeSegment(pod));

    /// <summary>Names come from the cluster: never let one climb out of the bundle.</summary>
    private static string SafeSegment(string name) =>
        name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0
            ? throw new ArgumentException($"\"{name}\" is not a valid file or folder name", nameof(name))
            : name;

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

    /// <summary>A copy without managedFields, last-applied annotations and, for Secrets, anything but metadata and type.</summary>
    private static JsonObject Sanitize(JsonObject source)
    {
        var obj = (JsonObject)source.DeepClone();
        if (obj["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            (metadata["annotations"] as JsonObject)?.Remove("kubectl.kubernetes.io/last-applied-configuration");
        }

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

    private static string GroupOf(string apiVersion) =>
        apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";

    private static string? Text(JsonNode? node, string key) =>
        node is JsonObject obj && obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
