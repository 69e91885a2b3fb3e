using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Kubernetes;

/// <summary>A bundle directory read back (design.md §9).</summary>
/// <param name="Root">The bundle directory (full path).</param>
/// <param name="Inputs">
/// Per cluster input: as recorded by <c>collect</c> in <c>collection-status.yaml</c> when present (so a kind
/// that was denied at collection time is not taken for an empty one), otherwise Available from the bundle.
/// </param>
/// <param name="Envoy">The gateway pods whose Envoy admin output is in <c>envoy/&lt;namespace&gt;/&lt;pod&gt;/</c>.</param>
/// <param name="Probes">Full paths of <c>probes/*.json</c>.</param>
/// <param name="Problems">Files and folders that were not read, each with why (relative paths only).</param>
/// <param name="NotRead">Documents that were read but are not Kubernetes objects the doctor can place (no kind, apiVersion or name).</param>
public sealed record Bundle(
    string Root,
    ClusterSnapshot Snapshot,
    IReadOnlyDictionary<CheckInput, InputState> Inputs,
    IReadOnlyList<EnvoyPodFiles> Envoy,
    IReadOnlyList<string> Probes,
    IReadOnlyList<BundleProblem> Problems,
    IReadOnlyList<string> NotRead);

/// <summary>A file or folder of a bundle that was not read; <paramref name="File"/> is relative to the bundle root.</summary>
public sealed record BundleProblem(string File, string Reason);

/// <summary>A bundle in which nothing could be analysed: no Kubernetes object and no Envoy dump.</summary>
public sealed class EmptyBundleException(string message) : Exception(message);

/// <summary>A bundle file could not be read; the message starts with <c>file:line:column</c>.</summary>
public sealed class BundleFormatException(string file, long line, long column, string reason, Exception? inner = null)
    : Exception($"{file}:{line}:{column}: {reason}", inner)
{
    /// <summary>The file, relative to the bundle root.</summary>
    public string File { get; } = file;

    public long Line { get; } = line;

    public long Column { get; } = column;
}
