using LlmdDoctor.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmdDoctor.Agent;

/// <summary>
/// OTLP trace export, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set,
/// with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> default, or <c>http/protobuf</c>) and <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
/// Without an endpoint nothing is recorded and probes carry a random <c>traceparent</c>. A setting that is not usable is
/// a warning and tracing stays off: tracing is an aid, so it never stops a command (<c>explain</c> included).
/// </summary>
public static class DoctorTracing
{
    /// <summary>The tracer provider, or null when tracing is not configured or a setting is not usable (then a warning is written).</summary>
    public static TracerProvider? StartIfConfigured(Func<string, string?> environment, TextWriter? warnings = null)
    {
        var traces = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var general = environment("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrEmpty(traces) && string.IsNullOrEmpty(general))
        {
            return null;
        }

        if (Problem(environment) is { } problem)
        {
            warnings?.WriteLine($"llmd-doctor: warning: {problem}; tracing is off");
            return null;
        }

        var http = (environment("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? environment("OTEL_EXPORTER_OTLP_PROTOCOL")) == "http/protobuf";

        // The OTLP spec appends /v1/traces to the general endpoint for http/protobuf; an endpoint set in code is used as-is.
        var endpoint = !string.IsNullOrEmpty(traces) ? traces : http ? general!.TrimEnd('/') + "/v1/traces" : general!;
        try
        {
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
        catch (Exception ex)
        {
            // The SDK also reads OTEL_* variables of its own (timeouts, batch sizes, resource attributes). The message is
            // not echoed: it may quote a header value.
            warnings?.WriteLine($"llmd-doctor: warning: the OpenTelemetry SDK refused the OTEL_* settings ({ex.GetType().Name}); tracing is off");
            return null;
        }
    }

    /// <summary>
    /// The first OTLP setting that cannot be used, named by its variable, or null. Values are not quoted: an endpoint
    /// may carry user information and a header a token.
    /// </summary>
    public static string? Problem(Func<string, string?> environment)
    {
        foreach (var variable in (string[])["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"])
        {
            if (environment(variable) is { Length: > 0 } value
                && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0))
            {
                return $"{variable} is not an http(s) URL";
            }
        }

        foreach (var variable in (string[])["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"])
        {
            if (environment(variable) is { Length: > 0 } value && value is not ("grpc" or "http/protobuf"))
            {
                return $"{variable} must be grpc or http/protobuf";
            }
        }

        if (environment("OTEL_EXPORTER_OTLP_HEADERS") is { Length: > 0 } headers && !AreHeaders(headers))
        {
            return "OTEL_EXPORTER_OTLP_HEADERS is not a comma-separated list of key=value pairs";
        }

        return null;
    }

    /// <summary>The W3C-baggage-like list the OTLP exporter spec defines: <c>k1=v1,k2=v2</c>, no control characters.</summary>
    private static bool AreHeaders(string text) =>
        !text.Any(char.IsControl)
        && text.Split(',').All(pair => pair.Trim().Length == 0 || pair.IndexOf('=', StringComparison.Ordinal) is var eq && eq > 0 && pair[..eq].Trim().Length > 0);
}
