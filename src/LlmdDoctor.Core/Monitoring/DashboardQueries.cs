using System.Text.Json;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Monitoring;

/// <summary>One PromQL target of one dashboard panel.</summary>
public sealed record PanelQuery(string Panel, string Expr);

/// <summary>A dashboard as found in the cluster and the panel queries in it.</summary>
public sealed record DashboardDefinition(Subject Subject, string Title, IReadOnlyList<PanelQuery> Queries, string Problem)
{
    public string Key => Subject.Key;
}

/// <summary>
/// Reads Grafana dashboard models out of the snapshot: GrafanaDashboard <c>spec.json</c>, the ConfigMap named by
/// <c>spec.configMapRef</c>, and sidecar-provisioned ConfigMaps labelled <c>grafana_dashboard</c>
/// (kube-prometheus-stack). Panels nest under <c>panels[].panels[]</c> (collapsed rows) and, in old schemas,
/// <c>rows[].panels[]</c>; a panel's PromQL is <c>targets[].expr</c>.
/// </summary>
public static class DashboardQueries
{
    public const string SidecarLabel = "grafana_dashboard";

    public static IReadOnlyList<DashboardDefinition> Find(ClusterSnapshot snapshot)
    {
        var found = new List<DashboardDefinition>();
        foreach (var dashboard in snapshot.GrafanaDashboards)
        {
            var subject = new Subject("grafana.integreatly.org", "GrafanaDashboard", dashboard.Metadata.Ns, dashboard.Metadata.Name);
            if (dashboard.Spec.Json is { Length: > 0 } json)
            {
                found.Add(Read(subject, json));
            }
            else if (dashboard.Spec.ConfigMapRef is { } cmRef)
            {
                var cm = snapshot.FindConfigMap(dashboard.Metadata.Ns, cmRef.Name);
                var key = cmRef.Key ?? "";
                found.Add(cm is not null && cm.Data.TryGetValue(key, out var text)
                    ? Read(subject, text)
                    : new DashboardDefinition(subject, dashboard.Metadata.Name, [], $"ConfigMap {dashboard.Metadata.Ns}/{cmRef.Name} key '{key}' not found"));
            }
        }

        foreach (var cm in snapshot.ConfigMaps.Where(c => c.Metadata.Labels.ContainsKey(SidecarLabel)))
        {
            foreach (var (key, text) in cm.Data.Where(d => d.Key.EndsWith(".json", StringComparison.Ordinal)).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                found.Add(Read(Subject.ConfigMap(cm.Metadata.Ns, cm.Metadata.Name), text) is var d && d.Title.Length == 0 ? d with { Title = key } : d);
            }
        }

        return found;
    }

    /// <summary>Reads one dashboard model; malformed JSON gives a definition with a <see cref="DashboardDefinition.Problem"/>.</summary>
    public static DashboardDefinition Read(Subject subject, string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("dashboard", out var inner) && inner.ValueKind == JsonValueKind.Object)
            {
                root = inner;
            }

            var queries = new List<PanelQuery>();
            Collect(root, "panels", queries);
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array)
            {
                foreach (var row in rows.EnumerateArray())
                {
                    Collect(row, "panels", queries);
                }
            }

            return new DashboardDefinition(subject, Text(root, "title"), queries, "");
        }
        catch (JsonException ex)
        {
            return new DashboardDefinition(subject, "", [], $"dashboard JSON is malformed: {ex.Message}");
        }
    }

    private static void Collect(JsonElement parent, string property, List<PanelQuery> into)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(property, out var panels) || panels.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var panel in panels.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object))
        {
            var title = Text(panel, "title");
            if (panel.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Array)
            {
                foreach (var target in targets.EnumerateArray())
                {
                    var expr = Text(target, "expr");
                    if (expr.Length > 0 && !(target.TryGetProperty("hide", out var hide) && hide.ValueKind == JsonValueKind.True))
                    {
                        into.Add(new PanelQuery(title.Length > 0 ? title : "(untitled)", expr));
                    }
                }
            }

            Collect(panel, "panels", into);
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
