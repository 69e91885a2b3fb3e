using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Io;
using YamlDotNet.Core;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Reads a bundle directory (design.md §9): every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> outside
/// <c>envoy/</c> and <c>probes/</c> holds Kubernetes objects (one, several YAML documents, or a List), fed to the
/// snapshot builder with the relative file path (and document number) as origin.
/// A bundle is someone else's folder: only regular files under its root are read (symlinks that leave it, FIFOs,
/// sockets and devices are skipped and reported), each object file at most <see cref="MaxObjectFileBytes"/> and all
/// of them together at most <see cref="MaxObjectBytes"/>; a file that cannot be parsed is reported with file:line
/// and the rest is analysed. A bundle with nothing to analyse (no object, no Envoy dump) is an error.
/// </summary>
public static class BundleReader
{
    /// <summary>Largest object file read (a <c>kubectl get -A -o yaml</c> of a big namespace fits).</summary>
    public const long MaxObjectFileBytes = 64L * 1024 * 1024;

    /// <summary>Largest total of object files read; what is beyond is reported, not read.</summary>
    public const long MaxObjectBytes = 512L * 1024 * 1024;

    /// <summary>Deepest directory level walked below the root.</summary>
    public const int MaxDirectoryDepth = 16;

    /// <summary>Most files looked at in one bundle.</summary>
    public const int MaxFiles = 50_000;

    /// <summary>The cluster inputs a bundle provides.</summary>
    public static IReadOnlyList<CheckInput> ClusterInputs { get; } =
        [.. InventoryKind.All.Where(k => k.Input is not null).Select(k => k.Input!.Value).Distinct()];

    /// <exception cref="EmptyBundleException">Nothing in the directory could be analysed (the message says what was found).</exception>
    /// <exception cref="DirectoryNotFoundException">The bundle directory does not exist.</exception>
    public static Bundle Read(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"bundle directory {directory} does not exist");
        }

        var problems = new List<BundleProblem>();
        var notRead = new List<string>();
        var skipped = new List<SkippedFile>();
        var files = ContainedFiles.List(root, skipped, MaxDirectoryDepth, MaxFiles);
        problems.AddRange(skipped.Select(s => new BundleProblem(s.Relative, s.Reason)));
        var builder = new ClusterSnapshotBuilder();
        var recorded = new Dictionary<CheckInput, InputState>();
        long total = 0;
        var objects = 0;
        foreach (var file in files.Where(f => IsObjectFile(f.Relative)))
        {
            string text;
            try
            {
                var cap = Math.Min(MaxObjectFileBytes, Math.Max(0, MaxObjectBytes - total));
                text = BoundedFile.ReadAllText(file.Path, cap);
                total += text.Length;
            }
            catch (UnreadableFileException ex)
            {
                problems.Add(new BundleProblem(file.Relative, ex.Message));
                continue;
            }

            IReadOnlyList<JsonNode?> documents;
            try
            {
                documents = Parse(text, file.Relative);
            }
            catch (BundleFormatException ex)
            {
                problems.Add(new BundleProblem(file.Relative, ex.Message[(file.Relative.Length + 1)..]));
                continue;
            }

            for (var i = 0; i < documents.Count; i++)
            {
                var origin = documents.Count > 1 ? $"{file.Relative}#{i + 1}" : file.Relative;
                if (documents[i] is null || CollectionStatus.TryRead(documents[i], recorded))
                {
                    continue;
                }

                if (WhyNotAnObject(documents[i]) is { } why)
                {
                    notRead.Add($"{origin}: {why}");
                    builder.NoteProblem($"{origin}: {why}");
                    continue;
                }

                objects++;
                builder.Add(documents[i], origin);
            }
        }

        var envoy = EnvoyPodFiles.Among(files, "envoy/");
        if (objects == 0 && envoy.Count == 0)
        {
            var found = files.Count == 0 ? "it holds no readable file"
                : $"none of its {files.Count} file(s) holds a Kubernetes object or an Envoy dump";
            var detail = problems.Count > 0 ? $" ({problems.Count} could not be read: {string.Join("; ", problems.Take(3).Select(p => $"{p.File}: {p.Reason}"))})" : "";
            throw new EmptyBundleException($"nothing to analyse in bundle {directory}: {found}{detail}");
        }

        var inputs = ClusterInputs.ToDictionary(i => i, i => recorded.TryGetValue(i, out var state) ? state : InputState.Available($"bundle {Path.GetFileName(root)}"));
        return new Bundle(root, builder.Build(), inputs, envoy, ProbeFiles(files), problems, notRead);
    }

    private static bool IsObjectFile(string relative) =>
        Path.GetExtension(relative) is ".yaml" or ".yml" or ".json"
        && relative.Split('/')[0] is not ("envoy" or "probes");

    /// <summary>Why a parsed document is not a Kubernetes object the doctor can place, or null when it is one.</summary>
    private static string? WhyNotAnObject(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            return "not a mapping, so not a Kubernetes object";
        }

        var kind = obj["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : null;
        var apiVersion = obj["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var avs) ? avs : null;
        if (kind is null || apiVersion is null)
        {
            return $"no {(kind is null ? "kind" : "apiVersion")}, not read";
        }

        if (kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray)
        {
            return null;
        }

        var name = obj["metadata"] is JsonObject m && m["name"] is JsonValue n && n.TryGetValue<string>(out var ns) ? ns : null;
        return string.IsNullOrEmpty(name) ? $"{kind} without metadata.name, not read" : null;
    }

    private static IReadOnlyList<JsonNode?> Parse(string text, string relative)
    {
        if (Path.GetExtension(relative) == ".json")
        {
            try
            {
                return [JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, AllowDuplicateProperties = false })];
            }
            catch (JsonException ex)
            {
                throw new BundleFormatException(relative, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, $"invalid JSON: {FirstSentence(ex.Message)}", ex);
            }
        }

        try
        {
            return YamlJson.ParseDocuments(text);
        }
        catch (YamlException ex)
        {
            throw new BundleFormatException(relative, ex.Start.Line, ex.Start.Column, $"invalid YAML: {Reason(ex)}", ex);
        }
    }

    /// <summary>YamlDotNet prefixes its messages with the position, which the exception already states.</summary>
    private static string Reason(YamlException ex)
    {
        var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && close > 0 ? message[(close + 3)..] : message;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static List<string> ProbeFiles(IReadOnlyList<ContainedFiles.Entry> files) =>
        [.. files.Where(f => f.Relative.StartsWith("probes/", StringComparison.Ordinal) && f.Relative.Count(c => c == '/') == 1 && f.Relative.EndsWith(".json", StringComparison.Ordinal))
            .Select(f => f.Path)];
}
