using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>What one collection produced: the facts and the state of the Prometheus, Grafana and Alertmanager inputs.</summary>
public sealed record MonitoringCollection(MonitoringFacts Facts, IReadOnlyDictionary<CheckInput, InputState> States);
