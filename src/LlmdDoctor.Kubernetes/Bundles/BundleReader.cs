using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using YamlDotNet.Core;

namespace LlmdDoctor.Kubernetes;

/// <summary>
/// Reads a bundle directory (design.md §9): every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> outside
/// <c>envoy/</c> and <c>probes/</c> holds Kubernetes objects (one, several YAML documents, or a List), fed to the
/// snapshot builder with the relative file path (and document number) as origin.
/// </summary>
public static class BundleReader
{
    /// <summary>The cluster inputs a bundle provides.</summary>
    public static IReadOnlyList<CheckInput> ClusterInputs { get; } =
        [.. InventoryKind.All.Where(k => k.Input is not null).Select(k => k.Input!.Value).Distinct()];

    /// <exception cref="BundleFormatException">A file is not valid YAML/JSON (the message names file, line and column).</exception>
    /// <exception cref="DirectoryNotFoundException">The bundle directory does not exist.</exception>
    public static Bundle Read(string directory)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"bundle directory {root} does not exist");
        }

        var builder = new ClusterSnapshotBuilder();
        var recorded = new Dictionary<CheckInput, InputState>();
        foreach (var file in ObjectFiles(root))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            var documents = Parse(file, relative);
            for (var i = 0; i < documents.Count; i++)
            {
                if (!CollectionStatus.TryRead(documents[i], recorded))
                {
                    builder.Add(documents[i], documents.Count > 1 ? $"{relative}#{i + 1}" : relative);
                }
            }
        }

        var inputs = ClusterInputs.ToDictionary(i => i, i => recorded.TryGetValue(i, out var state) ? state : InputState.Available($"bundle {root}"));
        return new Bundle(root, builder.Build(), inputs, EnvoyPods(root), ProbeFiles(root));
    }

    private static IEnumerable<string> ObjectFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json")
            .Where(f => Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)[0] is not ("envoy" or "probes"))
            .Order(StringComparer.Ordinal);

    private static IReadOnlyList<JsonNode?> Parse(string file, string relative)
    {
        var text = File.ReadAllText(file);
        if (Path.GetExtension(file) == ".json")
        {
            try
            {
                return [JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true })];
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

    private static List<EnvoyPodFiles> EnvoyPods(string root)
    {
        var envoy = Path.Combine(root, "envoy");
        if (!Directory.Exists(envoy))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(envoy)
            .SelectMany(ns => Directory.EnumerateDirectories(ns).Select(pod => (Namespace: Path.GetFileName(ns), Pod: pod)))
            .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Pod, StringComparer.Ordinal)
            .Select(p => new EnvoyPodFiles(
                p.Namespace,
                Path.GetFileName(p.Pod),
                p.Pod,
                Existing(p.Pod, EnvoyPodFiles.ConfigDumpFile),
                Existing(p.Pod, EnvoyPodFiles.StatsFile),
                Existing(p.Pod, EnvoyPodFiles.ClustersFile),
                Existing(p.Pod, EnvoyPodFiles.ServerInfoFile)))];
    }

    private static string? Existing(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? path : null;
    }

    private static List<string> ProbeFiles(string root)
    {
        var probes = Path.Combine(root, "probes");
        return Directory.Exists(probes) ? [.. Directory.EnumerateFiles(probes, "*.json").Order(StringComparer.Ordinal)] : [];
    }
}
