using LlmdDoctor.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmdDoctor.Agent;

/// <summary>
/// OTLP trace export, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set,
/// with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> default, or <c>http/protobuf</c>) and <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
/// Without an endpoint nothing is recorded and probes carry a random <c>traceparent</c>.
/// </summary>
public static class DoctorTracing
{
    public static TracerProvider? StartIfConfigured(Func<string, string?> environment)
    {
        var traces = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var general = environment("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrEmpty(traces) && string.IsNullOrEmpty(general))
        {
            return null;
        }

        var http = (environment("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? environment("OTEL_EXPORTER_OTLP_PROTOCOL")) == "http/protobuf";

        // The OTLP spec appends /v1/traces to the general endpoint for http/protobuf; an endpoint set in code is used as-is.
        var endpoint = !string.IsNullOrEmpty(traces) ? traces : http ? general!.TrimEnd('/') + "/v1/traces" : general!;
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(environment("OTEL_SERVICE_NAME") ?? "llmd-doctor", serviceVersion: AgentHost.Version))
            .AddSource(DoctorActivity.SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(endpoint);
                o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                if (environment("OTEL_EXPORTER_OTLP_HEADERS") is { Length: > 0 } headers)
                {
                    o.Headers = headers;
                }
            })
            .Build();
    }
}
