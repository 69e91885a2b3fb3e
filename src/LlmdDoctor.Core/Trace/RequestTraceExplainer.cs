using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Core.Trace;

/// <summary>
/// Turns what a trace observed into one verdict per hop, in the order the request meets them: listener, route,
/// ext_proc, gateway → EPP, EPP, pod, model server. Pure; the codes are the catalog's, so every broken hop links the
/// runbook that fixes it.
/// </summary>
public static class RequestTraceExplainer
{
    private const string HeaderMarker = "x-went-into-resp-headers";

    public static RequestTrace Explain(TraceEvidence e, IReadOnlyList<TracePhase> phases, string? traceId = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var hops = new List<TraceHop>();
        var listener = Listener(e);
        hops.Add(listener);
        var (routeHop, envoyRoute, flow) = Route(e);
        hops.Add(routeHop);
        var reached = listener.Verdict != HopVerdict.Broken && routeHop.Verdict != HopVerdict.Broken;
        var mode = envoyRoute is not null ? e.Envoy!.EffectiveExtProc(envoyRoute) : null;
        var viaPicker = mode is null ? flow?.IsPoolRoute == true
            : mode.Active && !(mode.Mode.RequestHeader == HeaderSendMode.Skip && mode.Mode.RequestBody == BodySendMode.None);
        hops.Add(ExtProc(e, envoyRoute, mode, viaPicker, reached));
        hops.Add(GatewayToPicker(e, mode, viaPicker, reached));
        hops.Add(Picker(e, viaPicker, reached));
        hops.Add(PickedPod(e, viaPicker, reached));
        hops.Add(Model(e, flow, viaPicker, reached));
        return new RequestTrace
        {
            Request = e.Request,
            Hops = [.. hops.Select(h => h.Code is { } code ? h with { RunbookUrl = Reporting.ReportBuilder.RunbookLink(e.RunbookBaseUrl, code) } : h)],
            Phases = phases,
            TraceId = traceId,
        };
    }

    /// <summary>
    /// The Envoy route the request takes (from the dump's own route table) and the HTTPRoute flow behind it, before
    /// anything is sent: the command needs them to find the route's Endpoint Picker. Null where unknown.
    /// </summary>
    public static (EnvoyRoute? Route, RequestFlow? Flow) RouteOf(TraceEvidence e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (_, route, flow) = Route(e);
        return (route, flow);
    }

    private static TraceHop Listener(TraceEvidence e)
    {
        var gw = e.Gateway;
        const string title = "Gateway listener and Host";
        var evidence = new List<string>();
        var programmed = gw.Status.Conditions.Find("Programmed");
        evidence.Add($"Gateway {Text.Of(gw.Metadata.Key)}: Programmed={Text.Of(programmed?.Status ?? "(none)")}" + (programmed?.Reason is { } r ? $" ({Text.Of(r)})" : ""));
        var pods = GatewayProxies.Of(e.Cluster, gw).Pods;
        evidence.Add($"{pods.Count(p => p.IsReady)} of {pods.Count} gateway pods ready");
        if (programmed?.IsTrue != true || (e.Cluster.Pods.Count > 0 && !pods.Any(p => p.IsReady)))
        {
            return Hop("listener", title, HopVerdict.Broken, $"Gateway {Text.Of(gw.Metadata.Key)} is not ready to serve", evidence, FindingCatalog.GatewayNotReady);
        }

        var host = HostOnly(e.Request.Host);
        var onPort = gw.Spec.Listeners.Where(l => l.Port == e.Port).ToList();
        var candidates = onPort.Count > 0 ? onPort : gw.Spec.Listeners;
        if (onPort.Count == 0)
        {
            evidence.Add($"no listener declares port {e.Port} (the address may map ports); all listeners considered");
        }

        var listener = candidates.FirstOrDefault(l => l.Hostname is null || GatewayHostnames.Matches(l.Hostname, host));
        if (listener is null)
        {
            evidence.AddRange(candidates.Select(l => $"listener {Text.Of(l.Name)} {Text.Of(l.Protocol)}:{l.Port} hostname {Text.Of(l.Hostname ?? "*")}"));
            return Hop("listener", title, HopVerdict.Broken, $"no listener accepts Host {Text.Of(host)}", evidence);
        }

        evidence.Add($"listener {Text.Of(listener.Name)} {Text.Of(listener.Protocol)}:{listener.Port} hostname {Text.Of(listener.Hostname ?? "* (any)")} accepts Host {Text.Of(host)}");
        return Hop("listener", title, HopVerdict.Ok, $"listener {Text.Of(listener.Name)} accepts Host {Text.Of(host)}", evidence);
    }

    private static (TraceHop Hop, EnvoyRoute? Route, RequestFlow? Flow) Route(TraceEvidence e)
    {
        const string title = "HTTPRoute rule and Envoy route";
        var evidence = new List<string>();
        var path = PathOnly(e.Request.Path);
        var host = HostOnly(e.Request.Host);
        var flows = e.Flows.Where(f => f.Host is null || GatewayHostnames.Matches(f.Host, host) || f.Host.StartsWith(GatewayHostnames.ProbeLabel, StringComparison.Ordinal)).ToList();
        var flow = flows.Where(f => f.Match.Accepts(e.Request.Method, path, e.Headers)).Order(IstioRouteOrder.Instance).FirstOrDefault();
        evidence.Add(flow is null
            ? "no HTTPRoute rule of this gateway accepts the request (path, method and exact headers; regex and query conditions are left to Envoy's table)"
            : $"HTTPRoute {Text.Of(flow.RouteKey)} rule {flow.RuleIndex} ({flow.Match.Describe()}) → {Text.Of(flow.PrimaryBackend?.Describe() ?? "no backend")}, Envoy route {Text.Of(flow.EnvoyRouteName)}");

        if (e.Envoy is null)
        {
            evidence.Add($"Envoy config dump not read: {Text.Of(e.EnvoyUnavailable ?? "unknown reason")}");
            return (Hop("route", title, flow is null ? HopVerdict.Broken : HopVerdict.Skipped,
                flow is null ? "no HTTPRoute rule accepts the request" : "Envoy's route table was not read; the HTTPRoute rule is what Istio should have programmed", evidence), null, flow);
        }

        var (routes, configBasis) = RouteConfigFor(e);
        evidence.Add(configBasis);
        var request = new EnvoyRequest(e.Request.Method, e.Request.Path, e.Request.Host, e.Headers);
        var selection = new EnvoyRouteMatcher(routes).Select(request);
        evidence.Add($"Host {Text.Of(e.Request.Host)} → {selection.HostMatch}");
        evidence.AddRange(selection.Skipped.Take(8).Select(s => $"skipped {s}"));
        evidence.AddRange(selection.Caveats.Take(4).Select(c => $"caveat: {c}"));
        if (selection.Route is not { } route)
        {
            var code = flow is not null ? FindingCatalog.EnvoyRouteNotProgrammed : null;
            return (Hop("route", title, HopVerdict.Broken,
                flow is not null
                    ? $"HTTPRoute rule {Text.Of(flow.EnvoyRouteName)} accepts the request but no Envoy route matches it: Envoy answers 404 (route_not_found)"
                    : $"no route on Gateway {Text.Of(e.Gateway.Metadata.Key)} matches {Text.Of(e.Request.Method)} {Text.Of(e.Request.Path)}: Envoy answers 404 (route_not_found)",
                evidence, code), null, flow);
        }

        evidence.Add($"Envoy route {Text.Of(route.Name)} (#{selection.Position} of virtual host {Text.Of(route.VirtualHost)}): {Text.Of(EnvoyRouteIdentity.Describe(route with { Match = TypedMatch(route) }))} → cluster {Text.Of(route.Cluster ?? "(none)")}");
        var envoyFlow = e.Flows.FirstOrDefault(f => EnvoyRouteIdentity.IsRouteOf(f, route)) ?? e.Flows.FirstOrDefault(f => f.EnvoyRouteName == route.Name);
        if (flow is not null && envoyFlow is not null && !ReferenceEquals(flow, envoyFlow) && flow.EnvoyRouteName != route.Name)
        {
            return (Hop("route", title, HopVerdict.Warn,
                $"Envoy takes route {Text.Of(route.Name)}, not {Text.Of(flow.EnvoyRouteName)} that the HTTPRoute rules imply", evidence), route, envoyFlow);
        }

        return (Hop("route", title, HopVerdict.Ok, $"Envoy route {Text.Of(route.Name)} → {Text.Of((envoyFlow ?? flow)?.PrimaryBackend?.Describe() ?? route.Cluster ?? "?")}", evidence), route, envoyFlow ?? flow);
    }

    /// <summary>
    /// The route configuration of the listener the request reached: Istio names it <c>http.&lt;port&gt;</c> or
    /// <c>https.&lt;port&gt;.&lt;portName&gt;.&lt;gateway&gt;-istio-autogenerated-k8s-gateway-&lt;listener&gt;.&lt;ns&gt;</c>
    /// (pilot/pkg/networking/core/gateway.go); otherwise the one whose name carries a listener's name, else the only one.
    /// </summary>
    private static (IReadOnlyList<EnvoyRoute> Routes, string Basis) RouteConfigFor(TraceEvidence e)
    {
        var configs = e.Envoy!.Routes.GroupBy(r => r.RouteConfig, StringComparer.Ordinal).ToList();
        var byPort = configs.Where(g => g.Key == $"http.{e.Port}" || g.Key.StartsWith($"https.{e.Port}.", StringComparison.Ordinal)).ToList();
        var byListener = configs.Where(g => e.Gateway.Spec.Listeners.Any(l => l.Name.Length > 0
            && g.Key.Contains($"-istio-autogenerated-k8s-gateway-{l.Name}.", StringComparison.Ordinal) && (l.Port == e.Port || !e.Gateway.Spec.Listeners.Any(o => o.Port == e.Port)))).ToList();
        var chosen = byPort.Count > 0 ? byPort : byListener.Count > 0 ? byListener : configs;
        var routes = chosen.SelectMany(g => g).ToList();
        var names = string.Join(", ", chosen.Select(g => Text.Of(g.Key)).Take(4));
        return (routes, $"route configuration {names} of pod {Text.Of(e.Envoy.PodName)} ({routes.Count} routes)");
    }

    private static TraceHop ExtProc(TraceEvidence e, EnvoyRoute? route, EffectiveExtProcMode? mode, bool viaPicker, bool reached)
    {
        const string title = "ext_proc on the route";
        if (!reached)
        {
            return Hop("ext_proc", title, HopVerdict.Skipped, "not reached", []);
        }

        if (route is null || mode is null)
        {
            return Hop("ext_proc", title, HopVerdict.Skipped, "unknown: the route's Envoy config was not read", []);
        }

        var filter = e.Envoy!.ExtProcFilterFor(route);
        var evidence = new List<string>
        {
            $"effective {mode.Mode}",
            $"fail-{(mode.FailOpen ? "open" : "closed")}: {Text.Of(mode.FailOpenBasis)}",
        };
        if (filter?.MessageTimeout is { } timeout)
        {
            evidence.Add($"message_timeout {Text.Of(timeout)}");
        }

        if (!viaPicker)
        {
            return Hop("ext_proc", title, HopVerdict.Ok, mode.Active ? "ext_proc sees neither headers nor body on this route: the Endpoint Picker is not involved" : "no ext_proc on this route", evidence);
        }

        evidence.Add($"Endpoint Picker cluster {Text.Of(mode.EndpointPickerCluster ?? "(none)")}");
        var body = e.Request.BodyBytes > 0;
        if (mode.RequestBody == BodySendMode.Buffered && EndpointPickerRelease.Of(e.Cluster, mode.EndpointPickerCluster) is { Handling: PickerBodyHandling.StreamingOnly } release)
        {
            evidence.Add($"Endpoint Picker {release}");
            return Hop("ext_proc", title, HopVerdict.Warn,
                $"BUFFERED in front of a streaming-only Endpoint Picker: once the EPP is reached, every POST waits for message_timeout, then {(mode.FailOpen ? "bypasses it" : "fails")}",
                evidence, FindingCatalog.BufferedOverrideStallsPicker);
        }

        if (mode.RequestBody == BodySendMode.FullDuplexStreamed && mode.FailOpen && body)
        {
            return Hop("ext_proc", title, HopVerdict.Warn,
                "FULL_DUPLEX_STREAMED with fail-open: if the EPP stream fails, Envoy forwards the request without its body",
                evidence, FindingCatalog.ExtProcBodyLossRisk);
        }

        return Hop("ext_proc", title, HopVerdict.Ok, $"{mode.EffectiveBodyMode}, fail-{(mode.FailOpen ? "open" : "closed")}", evidence);
    }

    private static TraceHop GatewayToPicker(TraceEvidence e, EffectiveExtProcMode? mode, bool viaPicker, bool reached)
    {
        const string title = "Gateway → Endpoint Picker (gRPC/TLS)";
        if (!reached || !viaPicker)
        {
            return Hop("gateway-epp", title, HopVerdict.Skipped, reached ? "the route does not go through the Endpoint Picker" : "not reached", []);
        }

        var cluster = mode?.EndpointPickerCluster;
        if (cluster is null || e.Envoy?.UpstreamStats is not { } before || !before.TryGetValue(cluster, out var stats))
        {
            return Hop("gateway-epp", title, HopVerdict.Skipped,
                $"Envoy's counters for the Endpoint Picker cluster were not read{(e.Envoy?.StatsProblem is { } p ? $": {Text.Of(p)}" : "")}", []);
        }

        var evidence = new List<string> { $"cluster {Text.Of(cluster)} since the proxy started: {Counters(stats)}" };
        var during = e.StatsAfter is { } after && after.TryGetValue(cluster, out var now) ? (now with { Baseline = stats }).Recent() : null;
        if (during is not null)
        {
            evidence.Add($"during this request: {Counters(during)}");
        }

        if (stats.HealthFlags.Count > 0)
        {
            evidence.Add($"host health {Text.Of(string.Join(", ", stats.HealthFlags))}");
        }

        var failing = during?.HasFailures ?? stats.HasFailures;
        if (failing)
        {
            var tls = (during ?? stats).TlsVerifyFailures > 0 ? "the gateway does not trust the Endpoint Picker's certificate" : "connections to the Endpoint Picker fail";
            return Hop("gateway-epp", title, HopVerdict.Broken,
                during is null ? $"{tls} (counters since the proxy started; not re-read after the request)" : $"{tls}: this request's ext_proc stream failed",
                evidence, FindingCatalog.EndpointPickerUnreachableFromGateway);
        }

        return Hop("gateway-epp", title, stats.HasFailures ? HopVerdict.Warn : HopVerdict.Ok,
            stats.HasFailures ? "no failure during this request; earlier failures are counted since the proxy started" : "no connect or TLS failures",
            evidence, stats.HasFailures ? FindingCatalog.EndpointPickerUnreachableFromGateway : null);
    }

    private static TraceHop Picker(TraceEvidence e, bool viaPicker, bool reached)
    {
        const string title = "Endpoint Picker's choice (direct ext_proc conversation)";
        if (!reached || !viaPicker)
        {
            return Hop("epp", title, HopVerdict.Skipped, reached ? "the route does not go through the Endpoint Picker" : "not reached", []);
        }

        if (e.Picker is not { } c)
        {
            return Hop("epp", title, HopVerdict.Skipped, Text.Of(e.PickerSkipped ?? "the Endpoint Picker was not asked"), []);
        }

        var evidence = new List<string>
        {
            $"{Text.Of(c.Mode)} conversation with {Text.Of(e.PickerAddress ?? "the Endpoint Picker")} in {c.LatencyMs} ms, same method, path, headers and body",
        };
        if (c.Body is { } body)
        {
            evidence.Add($"body came back: {Text.Of(body)}");
        }

        if (c.PickedEndpoint is { } picked && c.Succeeded)
        {
            return Hop("epp", title, HopVerdict.Ok, $"picks {Text.Of(picked)}{(PodAt(e, picked) is { } pod ? $" (pod {Text.Of(pod.Metadata.Key)})" : "")}", evidence);
        }

        if (c.ImmediateStatus is { } status)
        {
            evidence.Add($"ImmediateResponse {status}: {Text.Of(c.ImmediateBody ?? "")}");
            var code = status == 503 ? FindingCatalog.NoHealthyUpstream : status == 429 ? FindingCatalog.InferenceRequestShed : FindingCatalog.EndpointPickerRejects;
            return Hop("epp", title, HopVerdict.Broken, $"answers {status} itself instead of picking a pod", evidence, code);
        }

        evidence.Add(Text.Of(c.Error ?? c.Failure ?? "no endpoint picked"));
        return Hop("epp", title, HopVerdict.Broken, c.PickedEndpoint is { } p ? $"picks {Text.Of(p)} but the conversation failed" : "picks no endpoint", evidence, FindingCatalog.EndpointPickerRejects);
    }

    private static TraceHop PickedPod(TraceEvidence e, bool viaPicker, bool reached)
    {
        const string title = "The picked pod";
        if (!reached || !viaPicker || e.Picker?.PickedEndpoint is not { } endpoint)
        {
            return Hop("pod", title, HopVerdict.Skipped,
                !reached ? "not reached" : !viaPicker ? "Envoy's load balancer picks the pod of the Service (not observable per request)" : "no endpoint was picked", []);
        }

        var pod = PodAt(e, endpoint);
        if (pod is null)
        {
            return Hop("pod", title, HopVerdict.Warn, $"no pod in the inventory has IP {Text.Of(IpOf(endpoint))}", [$"endpoint {Text.Of(endpoint)}"]);
        }

        var ready = pod.Status.Conditions.Find("Ready");
        var evidence = new List<string> { $"pod {Text.Of(pod.Metadata.Key)} phase {Text.Of(pod.Status.Phase ?? "?")}, Ready={Text.Of(ready?.Status ?? "(none)")}" };
        return pod.IsReady
            ? Hop("pod", title, HopVerdict.Ok, $"pod {Text.Of(pod.Metadata.Key)} is ready", evidence)
            : Hop("pod", title, HopVerdict.Broken, $"the Endpoint Picker picked pod {Text.Of(pod.Metadata.Key)}, which is not ready", evidence, FindingCatalog.InferencePoolNoReadyEndpoints);
    }

    private static TraceHop Model(TraceEvidence e, RequestFlow? flow, bool viaPicker, bool reached)
    {
        const string title = "The answer (model server through the gateway)";
        if (e.Answer is not { } a)
        {
            return Hop("model", title, HopVerdict.Skipped, "the request was not sent", []);
        }

        var c = a.Classification;
        var evidence = new List<string>
        {
            a.Status > 0 ? $"HTTP {a.Status} in {a.Timings.TotalMilliseconds} ms, {a.BodyBytes} body bytes" : $"no answer: {Text.Of(a.Detail)}",
        };
        evidence.AddRange(a.Headers.Where(h => h.Key.StartsWith("x-", StringComparison.Ordinal) || h.Key == "server").Select(h => $"{h.Key}: {Text.Of(h.Value)}"));
        if (a.BodyExcerpt.Length > 0)
        {
            evidence.Add($"body: {Text.Of(a.BodyExcerpt)}");
        }

        if (!reached)
        {
            return Hop("model", title, HopVerdict.Skipped, a.Status > 0 ? $"not reached: the gateway answered {a.Status} itself" : "not reached", evidence);
        }

        if (c.Verdict == ProbeVerdict.Ok || (a.Status is >= 200 and < 300 && c.Verdict == ProbeVerdict.InvalidResponse))
        {
            if (viaPicker && a.Method() == "POST" && a.Header(HeaderMarker).Length == 0)
            {
                return Hop("model", title, HopVerdict.Warn,
                    $"answered {a.Status}, but without {HeaderMarker}: the Endpoint Picker was bypassed and Envoy's load balancer chose the pod",
                    evidence, FindingCatalog.EndpointPickerBypassed);
            }

            return Hop("model", title, HopVerdict.Ok, $"answered {a.Status}", evidence);
        }

        var code = c.Verdict switch
        {
            ProbeVerdict.BodyLost => FindingCatalog.ChatCompletionBodyLost,
            ProbeVerdict.ModelNotFound => FindingCatalog.ModelNameMismatch,
            ProbeVerdict.AuthRequired => FindingCatalog.GatewayAuthRequired,
            ProbeVerdict.RequestShed => FindingCatalog.InferenceRequestShed,
            ProbeVerdict.NoHealthyUpstream => FindingCatalog.NoHealthyUpstream,
            ProbeVerdict.EndpointPickerError => FindingCatalog.EndpointPickerRejects,
            ProbeVerdict.TransportFailed or ProbeVerdict.UpstreamError => FindingCatalog.GatewayProbeFailed,
            _ => a.Status >= 500 ? FindingCatalog.GatewayProbeFailed : null,
        };
        var why = c.Verdict switch
        {
            ProbeVerdict.BodyLost => "the model server got the request without its body",
            ProbeVerdict.ModelNotFound => $"the model server does not serve model {Text.Of(e.Request.Model ?? "?")}" + (flow?.Model is { } served ? $" (the cluster names {Text.Of(served)})" : ""),
            _ => Text.Of(c.Detail),
        };
        return Hop("model", title, HopVerdict.Broken, a.Status > 0 ? $"answered {a.Status}: {why}" : why, evidence, code);
    }

    /// <summary>The pod whose IP an <c>ip:port</c> endpoint names (the EPP answers with pod IPs).</summary>
    private static Pod? PodAt(TraceEvidence e, string endpoint)
    {
        var ip = IpOf(endpoint);
        return e.Cluster.Pods.FirstOrDefault(p => p.Status.PodIP == ip);
    }

    private static string IpOf(string endpoint) =>
        endpoint.LastIndexOf(':') is var colon and > 0 ? endpoint[..colon].Trim('[', ']') : endpoint;

    private static string Method(this ProbeResult result) => result.Target.Method;

    /// <summary>The route's path condition by its Envoy field name (<see cref="EnvoyRoute.Match"/> folds path_separated_prefix into prefix).</summary>
    private static string? TypedMatch(EnvoyRoute route) => route.PathMatch switch
    {
        { Kind: EnvoyPathMatchKind.PathSeparatedPrefix } p => $"path_separated_prefix:{p.Value}",
        _ => route.Match,
    };

    private static string Counters(UpstreamClusterStats s) => string.Create(CultureInfo.InvariantCulture,
        $"upstream_cx_total={s.ConnectionsTotal?.ToString(CultureInfo.InvariantCulture) ?? "?"} upstream_cx_connect_fail={s.ConnectFailures?.ToString(CultureInfo.InvariantCulture) ?? "?"} ssl.fail_verify_error={s.TlsVerifyFailures?.ToString(CultureInfo.InvariantCulture) ?? "?"} ssl.connection_error={s.TlsConnectionErrors?.ToString(CultureInfo.InvariantCulture) ?? "?"}");

    private static TraceHop Hop(string id, string title, HopVerdict verdict, string summary, IReadOnlyList<string> evidence, FindingDefinition? code = null) =>
        new() { Id = id, Title = title, Verdict = verdict, Summary = summary, Evidence = [.. evidence.Take(24)], Code = code?.Code };

    private static string HostOnly(string host) =>
        Uri.TryCreate($"http://{host}", UriKind.Absolute, out var u) ? u.IdnHost : host;

    private static string PathOnly(string pathAndQuery) =>
        pathAndQuery.IndexOfAny(['?', '#']) is var i and >= 0 ? pathAndQuery[..i] : pathAndQuery;

    /// <summary>Cluster- and peer-supplied text for a line of evidence: control characters replaced, length bounded.</summary>
    private static class Text
    {
        public static string Of(string text)
        {
            var clean = new string([.. text.Select(ch => char.IsControl(ch) ? '?' : ch)]);
            return clean.Length <= 300 ? clean : clean[..300] + "…";
        }
    }
}
