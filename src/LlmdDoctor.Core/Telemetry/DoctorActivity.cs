using System.Diagnostics;

namespace LlmdDoctor.Core.Telemetry;

/// <summary>
/// The doctor's traces: a span per cycle, per check and per probe. Nothing is recorded unless a listener is
/// attached (the agent attaches the OTLP exporter only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
/// Spans never carry tokens, Authorization headers or Secret values.
/// </summary>
public static class DoctorActivity
{
    public const string SourceName = "LlmdDoctor";

    public static ActivitySource Source { get; } = new(SourceName, "1.0");
}
