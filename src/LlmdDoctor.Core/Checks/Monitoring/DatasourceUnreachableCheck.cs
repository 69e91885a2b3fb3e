using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Core.Checks.Monitoring;

/// <summary>
/// LLMD0601: the Prometheus/Thanos query or rules URL did not answer (DNS, connect, TLS handshake, timeout).
/// Reads the collector's probe outcome, not the Prometheus input: that input is Unavailable exactly then.
/// </summary>
public sealed class DatasourceUnreachableCheck : ICheck
{
    public string Name => "datasource.Reachable";
    public string Description => "the Prometheus/Thanos URL answers";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.MonitoringEndpoints];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.DatasourceUnreachable];

    public void Run(CheckContext context)
    {
        foreach (var probe in context.Inputs.Monitoring.Datasources.Where(p =>
            p.Role is DatasourceRole.Query or DatasourceRole.Rules && p.Outcome is ApiOutcome.Unreachable or ApiOutcome.BadResponse))
        {
            context.Report(FindingCatalog.DatasourceUnreachable.At(MonitoringCheckInputs.ForUrl(probe.Url, "prometheus"),
                ("url", probe.Url), ("reason", probe.Reason), ("detail", probe.Detail), ("role", probe.Role.ToString())));
        }
    }
}
