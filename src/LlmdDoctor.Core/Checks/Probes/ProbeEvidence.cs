using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Checks.Probes;

/// <summary>Subject and evidence shared by the probe checks, so every probe finding reads the same.</summary>
internal static class ProbeEvidence
{
    /// <summary>The Gateway probed, or the model Service for a direct probe.</summary>
    public static Subject SubjectOf(ProbeResult r)
    {
        if (r.Target.Kind == ProbeKind.Direct && r.Target.Service is { } service && service.Split('/') is [var ns, var name])
        {
            return Subject.Service(ns, name);
        }

        return Subject.Gateway(r.Target.GatewayNamespace, r.Target.GatewayName);
    }

    /// <summary>
    /// The evidence every probe finding carries (<c>probe</c> and <c>route</c> also make the finding's identity),
    /// then <paramref name="extra"/>, which wins on equal keys.
    /// </summary>
    public static (string Key, string? Value)[] Of(ProbeResult r, params (string Key, string? Value)[] extra)
    {
        var t = r.Target;
        var c = r.Classification;
        var evidence = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["probe"] = t.Kind.ToLabel(),
            ["route"] = t.EnvoyRouteName,
            ["httpRoute"] = t.RouteKey,
            ["gateway"] = t.GatewayKey,
            ["method"] = t.Method,
            ["path"] = t.Path,
            ["url"] = t.Url,
            ["status"] = StatusText(r),
            ["layer"] = c.Layer.ToString(),
            ["traceId"] = r.TraceId,
        };
        if (r.Model is { } model)
        {
            evidence["model"] = model;
        }

        if (t.Service is { } service)
        {
            evidence["service"] = service;
        }

        foreach (var (key, value) in extra)
        {
            evidence[key] = value;
        }

        return [.. evidence.Select(kv => (kv.Key, kv.Value))];
    }

    /// <summary>The HTTP status, or the failure reason when no answer came back.</summary>
    public static string StatusText(ProbeResult r) => r.Status > 0 ? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Reason.ToName();

    /// <summary>
    /// What the direct probe of the model Service says about a failing gateway probe of the same model: it
    /// separates "the gateway path is broken" from "the model server is broken".
    /// </summary>
    public static string DirectHint(ProbeResults probes, ProbeResult r)
    {
        if (r.Target.Kind == ProbeKind.Direct || probes.DirectFor(r) is not { } direct || direct.Reason == ProbeFailureReason.NotRun)
        {
            return "";
        }

        return direct.Success
            ? $"; the model Service answers directly ({direct.Status} in {direct.Timings.TotalMilliseconds} ms), so the gateway path is at fault"
            : $"; the model Service fails directly too ({StatusText(direct)}: {direct.Classification.Detail})";
    }
}
