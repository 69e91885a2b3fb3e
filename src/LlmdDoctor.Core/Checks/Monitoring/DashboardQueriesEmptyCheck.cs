using System.Globalization;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>LLMD0607: panel queries of a dashboard return no series from the datasource (one finding per dashboard).</summary>
public sealed class DashboardQueriesEmptyCheck : ICheck
{
    public string Name => "grafana.DashboardQueries";
    public string Description => "dashboard panel queries return series";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Prometheus];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DashboardQueriesEmpty];

    public void Run(CheckContext context)
    {
        var facts = MonitoringCheckInputs.Prometheus(context);
        foreach (var dashboard in facts.DashboardQueries.GroupBy(q => (q.DashboardKind, q.DashboardNamespace, q.Dashboard)))
        {
            var empty = dashboard.Where(q => q.Outcome == DashboardQueryOutcome.Empty).ToList();
            if (empty.Count == 0)
            {
                continue;
            }

            var (kind, ns, name) = dashboard.Key;
            var group = kind == "ConfigMap" ? "" : "grafana.integreatly.org";
            context.Report(FindingCatalog.DashboardQueriesEmpty.At(new Subject(group, kind, ns, name),
                ("dashboard", $"{ns}/{name}"), ("panel", empty[0].Panel), ("query", empty[0].Expr),
                ("emptyPanels", MonitoringCheckInputs.List(empty.Select(q => q.Panel).Distinct(StringComparer.Ordinal), 5)),
                ("emptyQueries", empty.Count.ToString(CultureInfo.InvariantCulture)),
                ("queries", dashboard.Count().ToString(CultureInfo.InvariantCulture)), ("source", facts.Source)));
        }
    }
}
