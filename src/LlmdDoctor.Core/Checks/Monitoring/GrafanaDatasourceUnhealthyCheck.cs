using System.Globalization;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0606: Grafana's own health check of a datasource (<c>GET /api/datasources/uid/{uid}/health</c>) is not
/// OK: Grafana answers 200 only for status OK and 400 with <c>ERROR</c>/<c>UNKNOWN</c> and a message otherwise.
/// </summary>
public sealed class GrafanaDatasourceUnhealthyCheck : ICheck
{
    public string Name => "grafana.DatasourceHealth";
    public string Description => "Grafana's health check of each datasource answers OK";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.Grafana];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.GrafanaDatasourceUnhealthy];

    public void Run(CheckContext context)
    {
        var grafana = context.Inputs.Monitoring.Grafana
            ?? throw new InvalidOperationException("the Grafana input is available but the collector recorded no Grafana facts");
        foreach (var health in grafana.Datasources.Where(h => !h.IsOk))
        {
            var ds = context.Cluster.GrafanaDatasources.FirstOrDefault(d =>
                (d.Status.Uid ?? d.Spec.Uid ?? d.Spec.Datasource.Uid) == health.Uid);
            var subject = ds is null
                ? MonitoringCheckInputs.ForUrl(grafana.Url, "grafana")
                : new Subject("grafana.integreatly.org", "GrafanaDatasource", ds.Metadata.Ns, ds.Metadata.Name);
            var status = health.Status.Length > 0 ? health.Status : $"HTTP {health.HttpStatus.ToString(CultureInfo.InvariantCulture)}";
            context.Report(FindingCatalog.GrafanaDatasourceUnhealthy.At(subject,
                ("uid", health.Uid), ("status", status), ("detail", health.Message),
                ("httpStatus", health.HttpStatus.ToString(CultureInfo.InvariantCulture)), ("grafana", grafana.Url)));
        }
    }
}
