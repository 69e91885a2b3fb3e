using LlmdDoctor.Core.Io;

namespace LlmdDoctor.Core.Envoy;

/// <summary>
/// The files saved for one gateway pod in a bundle (<c>envoy/&lt;namespace&gt;/&lt;pod&gt;/</c>, design.md §9); each
/// path is null when the file is absent. Parsing them is the Envoy project's job.
/// </summary>
public sealed record EnvoyPodFiles(string Namespace, string Pod, string Directory, string? ConfigDump, string? Stats, string? Clusters, string? ServerInfo)
{
    public const string ConfigDumpFile = "config_dump.json";
    public const string StatsFile = "stats.txt";
    public const string ClustersFile = "clusters.txt";
    public const string ServerInfoFile = "server_info.json";

    /// <summary>
    /// The pods of <c>&lt;prefix&gt;&lt;namespace&gt;/&lt;pod&gt;/&lt;file&gt;</c> among files already walked safely
    /// (<see cref="ContainedFiles"/>), sorted by namespace and pod.
    /// </summary>
    public static IReadOnlyList<EnvoyPodFiles> Among(IEnumerable<ContainedFiles.Entry> files, string prefix = "")
    {
        var byPod = files
            .Where(f => f.Relative.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => (File: f, Parts: f.Relative[prefix.Length..].Split('/')))
            .Where(f => f.Parts.Length == 3)
            .GroupBy(f => (Namespace: f.Parts[0], Pod: f.Parts[1]))
            .OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.Pod, StringComparer.Ordinal);
        return [.. byPod.Select(g =>
        {
            string? Find(string name) => g.FirstOrDefault(f => f.Parts[2] == name).File?.Path;
            return new EnvoyPodFiles(g.Key.Namespace, g.Key.Pod, Path.GetDirectoryName(g.First().File.Path)!,
                Find(ConfigDumpFile), Find(StatsFile), Find(ClustersFile), Find(ServerInfoFile));
        })];
    }
}
