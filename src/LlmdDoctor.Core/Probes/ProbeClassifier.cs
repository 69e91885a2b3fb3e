namespace LlmdDoctor.Core.Probes;

/// <summary>
/// Turns a probe result into a verdict and the layer that broke. Pure: reads only the result, so a result
/// loaded from a bundle classifies the same way as a live one.
/// </summary>
public static class ProbeClassifier
{
    private const int DetailLimit = 300;

    public static ProbeClassification Classify(ProbeResult result)
    {
        if (result.Reason == ProbeFailureReason.NotRun)
        {
            return new(ProbeVerdict.NotRun, ProbeLayer.None, OneLine(result.Detail));
        }

        if (result.Reason.IsTransport())
        {
            return new(ProbeVerdict.TransportFailed, TransportLayer(result), OneLine($"{result.Reason.ToName()}: {result.Detail}"));
        }

        if (result.Status is >= 200 and < 300)
        {
            return result.Answer switch
            {
                _ when result.Reason == ProbeFailureReason.None => ProbeClassification.Ok,
                ProbeAnswer.EmptyModelList => new(ProbeVerdict.ModelListEmpty, ProbeLayer.ModelServer, "the model list is empty (\"data\": [])"),
                _ => new(ProbeVerdict.InvalidResponse, ResponderLayer(result), OneLine(result.Detail.Length > 0 ? result.Detail : $"unexpected {result.Answer} body")),
            };
        }

        if (result.Status == 0)
        {
            return new(ProbeVerdict.TransportFailed, ProbeLayer.Unknown, OneLine(result.Detail));
        }

        return ClassifyHttpError(result);
    }

    private static ProbeClassification ClassifyHttpError(ProbeResult result)
    {
        var body = result.BodyExcerpt;
        var status = result.Status;

        if (EndpointPickerErrorBody.TryParse(body, out var epp))
        {
            var verdict = epp.MeansShed || status == 429 ? ProbeVerdict.RequestShed
                : epp.MeansNoPods ? ProbeVerdict.NoHealthyUpstream
                : ProbeVerdict.EndpointPickerError;
            return new(verdict, ProbeLayer.EndpointPicker, OneLine(epp.ToString()));
        }

        if (status is 401 or 403)
        {
            var how = result.Header("www-authenticate") is { Length: > 0 } scheme ? $" (www-authenticate: {scheme})" : "";
            var layer = ModelServerErrorBody.TryParse(body, out _) ? ProbeLayer.ModelServer : ProbeLayer.GatewayPolicy;
            return new(ProbeVerdict.AuthRequired, layer, OneLine($"{status} {(status == 401 ? "Unauthorized" : "Forbidden")}{how}"));
        }

        // Envoy local replies are plain text (Envoy response flags UH / UF,URX / UT).
        var text = body.Trim();
        if (text.Equals("no healthy upstream", StringComparison.OrdinalIgnoreCase))
        {
            return new(ProbeVerdict.NoHealthyUpstream, ProbeLayer.Gateway, "no healthy upstream: Envoy has no healthy endpoint for the route's cluster");
        }

        if (text.StartsWith("upstream connect error", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("upstream request timeout", StringComparison.OrdinalIgnoreCase))
        {
            return new(ProbeVerdict.UpstreamError, ProbeLayer.Upstream, OneLine(text));
        }

        if (ModelServerErrorBody.TryParse(body, out var vllm))
        {
            if (status == 400 && vllm.IsMissingBody)
            {
                return new(ProbeVerdict.BodyLost, ProbeLayer.ExtProc, "Field required");
            }

            if (status == 404 && vllm.IsUnknownModel)
            {
                return new(ProbeVerdict.ModelNotFound, ProbeLayer.ModelServer, OneLine(vllm.Message));
            }

            if (status == 429)
            {
                return new(ProbeVerdict.RequestShed, ProbeLayer.ModelServer, OneLine(vllm.Message));
            }

            if (status == 404 && vllm.FastApiDetail)
            {
                return new(ProbeVerdict.PathNotFound, ProbeLayer.ModelServer,
                    OneLine($"the model server does not serve {result.Target.Path} ({vllm.Message}): is the route's URL rewrite of the prefix missing?"));
            }

            return new(ProbeVerdict.ModelServerError, ProbeLayer.ModelServer, OneLine($"{vllm.Type} {vllm.Message}".Trim()));
        }

        if (status == 429)
        {
            return new(ProbeVerdict.RequestShed, ProbeLayer.GatewayPolicy, OneLine(text.Length > 0 ? text : "429 Too Many Requests (gateway rate limit)"));
        }

        var fromEnvoy = IsEnvoy(result);
        if (status == 404 && text.Length == 0 && fromEnvoy)
        {
            return new(ProbeVerdict.PathNotFound, ProbeLayer.Gateway, $"Envoy has no route for {result.Target.Path} (404, empty body)");
        }

        if (status == 500 && text.Length == 0 && fromEnvoy && result.Target.ViaInferencePool)
        {
            // Inference: Envoy's ext_proc filter answers a failed stream to the EPP with a bodiless 500 when
            // the filter is fail-closed; nothing else on an InferencePool route answers like that.
            return new(ProbeVerdict.UpstreamError, ProbeLayer.ExtProc,
                "500 with an empty body from Envoy on an InferencePool route: the ext_proc stream to the Endpoint Picker probably failed (fail-closed)");
        }

        if (status is 502 or 503 or 504)
        {
            return new(ProbeVerdict.UpstreamError, fromEnvoy ? ProbeLayer.Upstream : ProbeLayer.Unknown, OneLine($"{status} {text}".Trim()));
        }

        return new(ProbeVerdict.UnexpectedStatus, fromEnvoy ? ProbeLayer.Gateway : ProbeLayer.Unknown, OneLine($"{status} {text}".Trim()));
    }

    private static ProbeLayer TransportLayer(ProbeResult result) => result.Reason switch
    {
        ProbeFailureReason.Dns => ProbeLayer.Dns,
        ProbeFailureReason.Refused or ProbeFailureReason.Unreachable => ProbeLayer.Connect,
        ProbeFailureReason.Tls => ProbeLayer.Tls,
        _ => result.FailedIn switch
        {
            ProbePhase.Resolve => ProbeLayer.Dns,
            ProbePhase.Connect => ProbeLayer.Connect,
            ProbePhase.Tls => ProbeLayer.Tls,
            ProbePhase.Processing => result.Target.Kind == ProbeKind.Direct ? ProbeLayer.ModelServer : ProbeLayer.Gateway,
            _ => ResponderLayer(result),
        },
    };

    /// <summary>Who answered: a vLLM behind the gateway (Envoy adds x-envoy-upstream-service-time) or Envoy itself.</summary>
    private static ProbeLayer ResponderLayer(ProbeResult result) =>
        result.Target.Kind == ProbeKind.Direct || result.Header("x-envoy-upstream-service-time").Length > 0 ? ProbeLayer.ModelServer
        : IsEnvoy(result) ? ProbeLayer.Gateway
        : ProbeLayer.Unknown;

    private static bool IsEnvoy(ProbeResult result) =>
        result.Header("server").Contains("envoy", StringComparison.OrdinalIgnoreCase)
        || result.Headers.Keys.Any(k => k.StartsWith("x-envoy-", StringComparison.Ordinal));

    internal static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= DetailLimit ? line : string.Concat(line.AsSpan(0, DetailLimit), "…");
    }
}
