using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0603: http was used against an HTTPS server or https against a plain HTTP one (Go clients say
/// "server gave HTTP response to HTTPS client"; the reverse shows as a 400 "plain HTTP request was sent to HTTPS port"
/// or TLS record bytes where a status line belongs).
/// </summary>
public sealed class DatasourceSchemeMismatchCheck : ICheck
{
    public string Name => "datasource.Scheme";
    public string Description => "the Prometheus/Thanos URL uses the scheme the server speaks";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.MonitoringEndpoints];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceSchemeMismatch];

    public void Run(CheckContext context)
    {
        foreach (var probe in context.Inputs.Monitoring.Datasources.Where(p =>
            p.Role is DatasourceRole.Query or DatasourceRole.Rules && p.Outcome == ApiOutcome.SchemeMismatch))
        {
            context.Report(FindingCatalog.DatasourceSchemeMismatch.At(MonitoringCheckInputs.ForUrl(probe.Url, "prometheus"),
                ("url", probe.Url), ("configured", probe.ConfiguredScheme), ("actual", probe.ActualScheme),
                ("reason", probe.Reason), ("detail", probe.Detail)));
        }
    }
}
