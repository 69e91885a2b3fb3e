namespace LlmdDoctor.Core.Monitoring;

/// <summary>What the monitoring APIs (Prometheus/Thanos, Grafana, Alertmanager) answered.</summary>
public sealed record MonitoringFacts
{
    public static MonitoringFacts Empty { get; } = new();
}
