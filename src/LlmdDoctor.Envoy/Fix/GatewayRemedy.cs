using System.Text;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Envoy.Fix;

/// <summary>One remedy: what it is for, why (comment lines written by the doctor), and the manifest to apply, if any.</summary>
/// <param name="Codes">The finding codes it answers.</param>
/// <param name="Comments">Comment lines, without <c>#</c>; cluster strings in them went through <see cref="Manifests.Quote"/>.</param>
/// <param name="Manifest">The object to apply, or null when the remedy is a command (delete, patch).</param>
public sealed record RemedyStep(IReadOnlyList<string> Codes, IReadOnlyList<string> Comments, YamlMappingNode? Manifest);

/// <summary>
/// <c>fix --gateway NS/NAME</c>: the remedy that matches one gateway's findings (design.md §3, domain-facts §9).
/// The repair of a failing Endpoint Picker stream is the gateway's trust of the EPP's TLS (LLMD0204); the stop-gap
/// for fail-open body loss is fail-closed (LLMD0301/0302/0801); a BUFFERED override in front of a streaming EPP is
/// removed (LLMD0306). BUFFERED is never recommended: against GIE ≥ v0.4 it stalls every POST.
/// </summary>
public sealed record GatewayRemedy(string GatewayKey, IReadOnlyList<RemedyStep> Steps)
{
    /// <summary>The codes <c>fix</c> has a remedy for.</summary>
    public static IReadOnlyList<string> Remedied { get; } = ["LLMD0204", "LLMD0301", "LLMD0302", "LLMD0306", "LLMD0801"];

    /// <summary>Comments, then each manifest as its own YAML document.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var (ns, name) = Split(GatewayKey);
        text.Append("# llmd-doctor fix --gateway ").Append(Manifests.Quote(ns)).Append('/').Append(Manifests.Quote(name)).Append('\n');
        if (Steps.Count == 0)
        {
            text.Append("# No finding on this gateway has a remedy here (").Append(string.Join(", ", Remedied))
                .Append("): nothing to apply.\n");
            return text.ToString();
        }

        foreach (var step in Steps)
        {
            text.Append("#\n# [").Append(string.Join(", ", step.Codes)).Append("]\n");
            foreach (var line in step.Comments)
            {
                text.Append("# ").Append(line).Append('\n');
            }

            if (step.Manifest is { } manifest)
            {
                text.Append("---\n").Append(Manifests.Write(manifest));
            }
        }

        return text.ToString();
    }

    /// <summary>The remedy for <paramref name="gateway"/> from the findings and inputs of one doctor run.</summary>
    public static GatewayRemedy For(Gateway gateway, IEnumerable<Finding> findings, DoctorInputs inputs)
    {
        var mine = findings.Where(f => f.Subject.Kind == "Gateway" && f.Subject.Key == gateway.Metadata.Key).ToList();
        var codes = mine.Select(f => f.Code).ToHashSet(StringComparer.Ordinal);
        var steps = new List<RemedyStep>();

        var eppFailing = codes.Contains("LLMD0204") || codes.Contains("LLMD0407");
        var pickerClusters = mine.Where(f => f.Code == "LLMD0204").Select(f => f.Evidence.GetValueOrDefault("cluster"))
            .Concat(eppFailing ? mine.Where(f => f.Code == "LLMD0301").Select(f => f.Evidence.GetValueOrDefault("eppCluster")) : [])
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var cluster in pickerClusters)
        {
            if (EndpointPickerTrust.For(gateway, cluster) is { } trust)
            {
                steps.Add(trust);
            }
        }

        if (codes.Contains("LLMD0306"))
        {
            steps.Add(BufferedOverrideRemoval.For(gateway, inputs));
        }

        var atRisk = mine.Where(f => f.Code is "LLMD0301" or "LLMD0302" or "LLMD0801").Select(f => f.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (atRisk.Count > 0)
        {
            steps.Add(FailClosedStopGap.For(gateway, atRisk, inputs));
        }

        return new GatewayRemedy(gateway.Metadata.Key, steps);
    }

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
