using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>
/// The remedy of LLMD0306: delete the EnvoyFilter that makes the gateway's InferencePool routes BUFFERED. A streaming
/// Endpoint Picker (GIE ≥ v0.4, PR #672; the llm-d scheduler) answers request headers only after the body, and
/// Envoy in BUFFERED sends the body only after that answer, so each POST waits for message_timeout.
/// </summary>
public static class BufferedOverrideRemoval
{
    public static RemedyStep For(Gateway gateway, DoctorInputs inputs)
    {
        var roots = EnvoyFilterSelection.RootNamespaces(inputs.Cluster);
        var labels = EnvoyFilterSelection.GatewayPodLabels(inputs.Cluster, gateway);
        var filters = inputs.Cluster.EnvoyFilters.Select(EnvoyFilterExtProcView.Of)
            .Where(v => v.RequestBodyModes.Contains(BodySendMode.Buffered) && EnvoyFilterSelection.Selects(v.Filter, gateway, labels, roots))
            .OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
        var comments = new List<string>
        {
            "A BUFFERED request-body override sits in front of an Endpoint Picker that only streams (GIE >= v0.4,",
            "llm-d inference scheduler): Envoy holds the body until the EPP answers the request headers, and the EPP",
            "answers them only after the body, so every POST that reaches it waits for message_timeout (1000s on Istio), then bypasses",
            "the EPP or fails. Remove the override; the routes then run Istio's FULL_DUPLEX_STREAMED again.",
            "BUFFERED is right only for an EPP at GIE <= v0.3 without USE_STREAMING=true.",
        };
        if (filters.Count == 0)
        {
            comments.Add("No EnvoyFilter read by the doctor sets it; look for the override in the gateway's config source.");
        }

        foreach (var view in filters)
        {
            var meta = view.Filter.Metadata;
            comments.Add($"  kubectl delete envoyfilter {Manifests.Quote(meta.Name)} -n {Manifests.Quote(meta.Ns)}");
        }

        if (filters.Count > 0)
        {
            comments.Add("(If an EnvoyFilter does more than the BUFFERED override, remove only that patch instead.)");
        }

        comments.Add("Make sure the EPP is reachable (LLMD0204), and run fix again after the delete: on an Envoy that loses");
        comments.Add("the body on fail-open, the gateway then needs the fail-closed stop-gap (LLMD0301).");
        return new RemedyStep(["LLMD0306"], comments, null);
    }
}
