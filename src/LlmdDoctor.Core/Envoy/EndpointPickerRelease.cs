using System.Globalization;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Envoy;

/// <summary>Which request body modes an Endpoint Picker can answer.</summary>
public enum PickerBodyHandling
{
    /// <summary>The release could not be told from the image (a digest, a custom build, <c>main</c>).</summary>
    Unknown,

    /// <summary>
    /// Only the streaming server: request headers are answered after the body's end of stream, so a BUFFERED
    /// Envoy (which holds the body until the headers are answered) and the EPP wait for each other.
    /// </summary>
    StreamingOnly,

    /// <summary>The non-streaming server of GIE ≤ v0.3 (USE_STREAMING unset or false): BUFFERED is what it expects.</summary>
    AcceptsBuffered,
}

/// <summary>The Endpoint Picker behind an Envoy ext_proc cluster, as far as its image tells.</summary>
/// <param name="Handling">What body modes it answers.</param>
/// <param name="Version">The release (<c>v1.0.0</c>, <c>llm-d inference scheduler</c>) or <c>unknown</c>.</param>
/// <param name="Basis">How that was decided, for evidence.</param>
public sealed record EndpointPickerRelease(PickerBodyHandling Handling, string Version, string Basis)
{
    private const string SchedulerImage = "llm-d-inference-scheduler";
    private const string GieImage = "gateway-api-inference-extension/epp";

    /// <summary>
    /// GIE PR #672 ("Consolidating down to FULL_DUPLEX_STREAMED supported ext-proc server", first tag v0.4.0)
    /// removed the non-streaming server; up to v0.3.0 <c>cmd/epp/main.go</c> chose it unless env
    /// <c>USE_STREAMING</c> parsed as true.
    /// </summary>
    public static readonly ComponentVersion StreamingOnlySince = new(0, 4, 0);

    /// <summary>
    /// The Endpoint Picker serving <paramref name="eppCluster"/> (Istio's <c>outbound|port||svc.ns.svc.domain</c>):
    /// the Service's pods, else the Deployments whose pod template its selector matches.
    /// </summary>
    public static EndpointPickerRelease Of(ClusterSnapshot cluster, string? eppCluster)
    {
        if (ServiceOf(eppCluster) is not (var ns, var name))
        {
            return new(PickerBodyHandling.Unknown, "unknown", $"cluster {eppCluster ?? "(none)"} does not name a Service");
        }

        var service = cluster.FindService(ns, name);
        if (service is null || service.Spec.Selector.Count == 0)
        {
            return new(PickerBodyHandling.Unknown, "unknown", $"Service {ns}/{name} {(service is null ? "not found" : "has no selector")}");
        }

        var selector = new LabelSelector { MatchLabels = service.Spec.Selector };
        var containers = cluster.PodsMatching(ns, selector).SelectMany(p => p.Spec.Containers)
            .Concat(cluster.Deployments.Where(d => d.Metadata.Ns == ns && selector.Matches(d.Spec.Template.Metadata.Labels))
                .SelectMany(d => d.Spec.Template.Spec.Containers))
            .ToList();
        var picker = containers.FirstOrDefault(c => IsPickerImage(c.Image)) ?? containers.FirstOrDefault();
        return picker is null
            ? new(PickerBodyHandling.Unknown, "unknown", $"no pod or Deployment of Service {ns}/{name} found")
            : OfContainer(picker);
    }

    /// <summary>The release of one Endpoint Picker container, from its image and <c>USE_STREAMING</c>.</summary>
    public static EndpointPickerRelease OfContainer(Container container)
    {
        var image = container.Image ?? "";
        var (repository, tag) = SplitImage(image);
        if (repository.Contains(SchedulerImage, StringComparison.Ordinal))
        {
            return new(PickerBodyHandling.StreamingOnly, tag is null ? "llm-d inference scheduler" : $"llm-d inference scheduler {tag}",
                "llm-d inference scheduler image: built on GIE ≥ v0.4, streaming server only (llm-d-inference-scheduler go.mod)");
        }

        if (!repository.EndsWith(GieImage, StringComparison.Ordinal))
        {
            return new(PickerBodyHandling.Unknown, "unknown", "image is neither GIE's epp nor the llm-d inference scheduler");
        }

        if (!ComponentVersion.TryParse(tag, out var version) || tag is null || !tag.StartsWith('v'))
        {
            return new(PickerBodyHandling.Unknown, "unknown", $"GIE epp image without a release tag ({tag ?? "digest only"})");
        }

        if (version >= StreamingOnlySince)
        {
            return new(PickerBodyHandling.StreamingOnly, tag, "GIE ≥ v0.4: streaming server only (GIE PR #672)");
        }

        var useStreaming = container.Env.LastOrDefault(e => e.Name == "USE_STREAMING")?.Value;
        return bool.TryParse(useStreaming, out var streaming) && streaming
            ? new(PickerBodyHandling.StreamingOnly, tag, "GIE ≤ v0.3 with USE_STREAMING=true: streaming server (cmd/epp/main.go @v0.3.0)")
            : new(PickerBodyHandling.AcceptsBuffered, tag, "GIE ≤ v0.3 without USE_STREAMING=true: non-streaming server (cmd/epp/main.go @v0.3.0)");
    }

    /// <summary>Namespace and name of the Service in an Istio outbound cluster name.</summary>
    public static (string Namespace, string Name)? ServiceOf(string? eppCluster)
    {
        if (eppCluster?.Split('|') is not [_, _, _, var host] || host.Split('.') is not [var name, var ns, "svc", ..])
        {
            return null;
        }

        return name.Length > 0 && ns.Length > 0 ? (ns, name) : null;
    }

    private static bool IsPickerImage(string? image) =>
        image is not null && (image.Contains(SchedulerImage, StringComparison.Ordinal) || SplitImage(image).Repository.EndsWith(GieImage, StringComparison.Ordinal));

    private static (string Repository, string? Tag) SplitImage(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var named = at >= 0 ? image[..at] : image;
        var colon = named.LastIndexOf(':');
        return colon > named.LastIndexOf('/') && colon >= 0
            ? (named[..colon], named[(colon + 1)..])
            : (named, null);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Version} ({Basis})");
}
