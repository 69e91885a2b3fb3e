namespace LlmdDoctor.Core.Probes;

/// <summary>What a probe result means.</summary>
public enum ProbeVerdict
{
    Ok,

    /// <summary>Planned but not sent.</summary>
    NotRun,

    /// <summary>No complete HTTP answer: DNS, refused, unreachable, reset, timeout, TLS, too large.</summary>
    TransportFailed,

    /// <summary>401/403.</summary>
    AuthRequired,

    /// <summary>The model server answered 400 "Field required" for the body: the POST body never reached it.</summary>
    BodyLost,

    /// <summary>The model server answered 404 "The model `x` does not exist."</summary>
    ModelNotFound,

    /// <summary>429 from the EPP (pool exhausted), the model server or a gateway rate limit.</summary>
    RequestShed,

    /// <summary>Envoy "no healthy upstream", or the EPP found no candidate/available pods.</summary>
    NoHealthyUpstream,

    /// <summary>Any other EPP ImmediateResponse (bad request, bad configuration, internal).</summary>
    EndpointPickerError,

    /// <summary>Envoy could not reach or hear back from the upstream (502/503/504 local replies).</summary>
    UpstreamError,

    /// <summary>404 for the path itself: no route on the gateway, or a path the model server does not serve.</summary>
    PathNotFound,

    /// <summary>Another error in the model server's OpenAI error shape.</summary>
    ModelServerError,

    /// <summary>Any other non-2xx status.</summary>
    UnexpectedStatus,

    /// <summary>2xx but not the OpenAI shape asked for.</summary>
    InvalidResponse,

    /// <summary>2xx model list with no model in it.</summary>
    ModelListEmpty,
}

/// <summary>Where on the request path (client → DNS → TCP → TLS → Envoy → ext_proc/EPP → pod → vLLM) it broke.</summary>
public enum ProbeLayer
{
    None,
    Dns,
    Connect,
    Tls,

    /// <summary>The gateway's Envoy itself (routing, local replies).</summary>
    Gateway,

    /// <summary>An auth or rate-limit policy on the gateway (e.g. Kuadrant on maas-gateway).</summary>
    GatewayPolicy,

    /// <summary>The ext_proc filter between Envoy and the EPP (body forwarding).</summary>
    ExtProc,

    EndpointPicker,

    /// <summary>The connection from Envoy to the chosen pod or Service.</summary>
    Upstream,

    ModelServer,
    Unknown,
}

/// <summary>A probe result interpreted: verdict, layer, and a one-line detail (never a credential).</summary>
public sealed record ProbeClassification(ProbeVerdict Verdict, ProbeLayer Layer, string Detail)
{
    public static ProbeClassification Ok { get; } = new(ProbeVerdict.Ok, ProbeLayer.None, "");
}
