using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0604: no Grafana instance serves a GrafanaDashboard/GrafanaDatasource. Computed the way grafana-operator v5
/// matches (controllers/controller_shared.go GetScopedMatchingInstances @v5.24): Grafana objects in the resource's
/// namespace (every namespace with <c>allowCrossNamespaceImport</c>) whose labels satisfy <c>instanceSelector</c>,
/// skipping instances whose <c>status.stage</c> is not <c>complete</c> or <c>stageStatus</c> not <c>success</c>.
/// The operator's own word (condition <c>NoMatchingInstance</c> True, status <c>NoMatchingInstances: true</c>) is
/// reported too and added as evidence. A Grafana with no status at all (a manifest never reconciled) counts as
/// matching: its readiness was not collected.
/// </summary>
public sealed class GrafanaNoMatchingInstanceCheck : ICheck
{
    public string Name => "grafana.InstanceMatch";
    public string Description => "every GrafanaDashboard and GrafanaDatasource matches a ready Grafana instance";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.GrafanaObjects];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GrafanaNoMatchingInstance];

    public void Run(CheckContext context)
    {
        var snapshot = context.Cluster;
        var resources = snapshot.GrafanaDashboards.Select(d => ("GrafanaDashboard", d.Metadata, d.Spec.InstanceSelector, d.Spec.AllowCrossNamespaceImport, d.Status))
            .Concat(snapshot.GrafanaDatasources.Select(d => ("GrafanaDatasource", d.Metadata, d.Spec.InstanceSelector, d.Spec.AllowCrossNamespaceImport, d.Status)));
        foreach (var (kind, meta, selector, crossNamespace, status) in resources)
        {
            var inScope = snapshot.GrafanaInstances.Where(g => crossNamespace || g.Metadata.Ns == meta.Ns).ToList();
            var matching = inScope.Where(g => selector.Matches(g.Metadata.Labels)).ToList();
            var ready = matching.Where(g => !Unready(g)).ToList();
            var condition = status.Conditions.Find("NoMatchingInstance");
            var operatorSays = condition?.IsTrue == true || status.NoMatchingInstances == true;
            if (ready.Count > 0 && !operatorSays)
            {
                continue;
            }

            var scope = crossNamespace ? "any namespace (allowCrossNamespaceImport)" : meta.Ns;
            var detail = ready.Count > 0
                ? $"instanceSelector {{{selector}}} matches {Names(ready)}, yet the operator reports no match"
                : matching.Count > 0
                    ? $"instanceSelector {{{selector}}} matches {string.Join(", ", matching.Select(g => $"{g.Metadata.Key} (not ready: stage {g.Status.Stage ?? "none"}, stageStatus {g.Status.StageStatus ?? "none"})"))}; grafana-operator skips instances that are not ready"
                    : $"instanceSelector {{{selector}}} matches none of the Grafana instances in {scope}: {(inScope.Count == 0 ? "there are none" : string.Join(", ", inScope.Select(g => $"{g.Metadata.Key} {{{LabelSelector.FromMap(g.Metadata.Labels)}}}")))}"
                        + (!crossNamespace && snapshot.GrafanaInstances.Any(g => g.Metadata.Ns != meta.Ns && selector.Matches(g.Metadata.Labels))
                            ? $"; {Names(snapshot.GrafanaInstances.Where(g => g.Metadata.Ns != meta.Ns && selector.Matches(g.Metadata.Labels)))} in another namespace would match with allowCrossNamespaceImport: true"
                            : "");
            if (operatorSays)
            {
                detail += condition?.Message is { Length: > 0 } m ? $"; operator says: {m}" : "; operator status NoMatchingInstances: true";
            }

            context.Report(FindingCatalog.GrafanaNoMatchingInstance.At(new Subject("grafana.integreatly.org", kind, meta.Ns, meta.Name),
                ("kind", kind), ("name", meta.Key), ("detail", detail)));
        }
    }

    /// <summary>Status says not ready; no status at all (never reconciled, or a manifest) is not evidence of that.</summary>
    private static bool Unready(GrafanaInstance g) =>
        (g.Status.Stage is not null || g.Status.StageStatus is not null)
        && (g.Status.Stage != "complete" || g.Status.StageStatus != "success");

    private static string Names(IEnumerable<GrafanaInstance> instances) => string.Join(", ", instances.Select(g => g.Metadata.Key));
}
