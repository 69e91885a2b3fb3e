using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Envoy.Grpc;
using Microsoft.AspNetCore.Http;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>
/// One Gateway behaving like the Istio-managed Envoy in front of llm-d (domain-facts §1): HTTPRoute matching
/// (Exact, then longest PathPrefix), URLRewrite, Service backends forwarded straight to their pods, and
/// InferencePool backends through an ext_proc stream with the EPP, using the effective processing mode of the
/// route from the gateway's config_dump (<see cref="EffectiveExtProcMode"/>, including which failure_mode_allow
/// that Envoy version honours). When the ext_proc stream fails: fail-open FULL_DUPLEX_STREAMED forwards the request
/// without its body (Envoy keeps no copy, envoy #39740 — the seed bug), fail-open BUFFERED forwards Envoy's buffered
/// copy, fail-closed answers 500 with no body.
/// </summary>
internal sealed class SimulatedGateway : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "host", "content-length", "server",
    };

    private readonly GatewayRoutes _routes;
    private GatewayEnvoyData? _envoy;
    private readonly IClusterNetwork _network;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, GrpcConnection> _extProcConnections = new(StringComparer.Ordinal);

    public SimulatedGateway(string ns, string name, GatewayBehaviour behaviour, GatewayRoutes routes, GatewayEnvoyData? envoy, IClusterNetwork network)
    {
        Namespace = ns;
        Name = name;
        Behaviour = behaviour;
        _routes = routes;
        _envoy = envoy;
        _network = network;
        _upstream = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            // Istio reaches the workload with DestinationRule tls SIMPLE + insecureSkipVerify (domain-facts §5).
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Namespace { get; }

    /// <summary>The Envoy config this gateway runs with; replaced when an EnvoyFilter is applied (as istiod pushes new xDS).</summary>
    public GatewayEnvoyData? Envoy
    {
        get => Volatile.Read(ref _envoy);
        set => Volatile.Write(ref _envoy, value);
    }

    public string Name { get; }

    public GatewayBehaviour Behaviour { get; }

    /// <summary>
    /// Envoy's default <c>message_timeout</c> when the filter sets none (200 ms, ext_proc.proto); Istio's base filter
    /// sets 1000 s (<c>pilot/pkg/xds/filters/filters.go</c> @1.27.0), used when the gateway has no config_dump.
    /// </summary>
    private static readonly TimeSpan EnvoyDefaultMessageTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan IstioMessageTimeout = TimeSpan.FromSeconds(1000);

    /// <summary>The ext_proc filter's stat namespace, <c>http.&lt;HCM stat_prefix&gt;.ext_proc.</c>, from the config_dump.</summary>
    public string ExtProcStatPrefix { get; set; } = "http.gateway.ext_proc.";

    /// <summary>Overrides the EPP address (tests point a gateway at another ext_proc server).</summary>
    public Uri? EndpointPickerOverride { get; set; }

    /// <summary>This gateway's Envoy counters for its EPP clusters (served by the admin endpoint of its pods).</summary>
    public EndpointPickerCounters Counters { get; } = new();

    /// <summary>Per request: what happened, for tests and the demo narration.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        var request = context.Request;
        context.Response.Headers.Server = "istio-envoy";
        if (Behaviour.RequireAuth && string.IsNullOrEmpty(request.Headers.Authorization))
        {
            // Kuadrant AuthPolicy (Authorino) rejects before routing.
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Name}\"";
            Log.Enqueue($"{request.Method} {request.Path} -> 401 (auth required)");
            return;
        }

        var path = request.Path.Value ?? "/";
        var match = _routes.Match(path, request.Host.Host, request.Method,
            name => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null,
            name => request.Query.TryGetValue(name, out var values) ? values.ToString() : null);
        var envoy = Envoy;
        var envoyRoute = match is not null && envoy?.RoutesNamed(match.EnvoyRouteName) is [var first, ..] ? first : null;
        if (match is null || (envoy is not null && envoyRoute is null))
        {
            // No route: Envoy answers 404 with no body (access log response flag NR, "route_not_found").
            context.Response.StatusCode = 404;
            Log.Enqueue($"{request.Method} {path} -> 404 route_not_found");
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        var backend = PickBackend(match.Backends);
        var upstreamPath = match.Rewrite(path) + request.QueryString;
        var headers = request.Headers
            .Where(h => !HopByHop.Contains(h.Key) && !h.Key.StartsWith(':'))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), v ?? "")))
            .ToList();
        if (!headers.Any(h => h.Key == "x-request-id"))
        {
            headers.Add(new("x-request-id", Guid.NewGuid().ToString()));
        }

        if (backend is null)
        {
            await LocalReplyAsync(context, 500, "", $"{path} -> 500 (no backend)");
            return;
        }

        if (!backend.IsInferencePool)
        {
            var endpoints = _network.ServiceEndpoints(backend.Namespace, backend.Name, backend.Port ?? 80);
            await ForwardAsync(context, clock, endpoints.Count == 0 ? null : endpoints[Random.Shared.Next(endpoints.Count)], upstreamPath, headers, body, null,
                $"{match.EnvoyRouteName} -> Service {backend.Namespace}/{backend.Name}");
            return;
        }

        var mode = envoyRoute is not null ? envoy!.EffectiveExtProc(envoyRoute) : DefaultMode(backend);
        var fallback = _network.PoolEndpoints(backend.Namespace, backend.Name, backend.Group);
        string? Fallback() => fallback.Count == 0 ? null : fallback[Random.Shared.Next(fallback.Count)];
        var involved = mode.Active && !(mode.Mode.RequestHeader == HeaderSendMode.Skip && mode.Mode.RequestBody == BodySendMode.None);
        var what = $"{match.EnvoyRouteName} -> InferencePool {backend.Namespace}/{backend.Name} ({mode.Mode.RequestBody.ToEnvoyName()}, fail-{(mode.FailOpen ? "open" : "closed")})";
        if (!involved)
        {
            await ForwardAsync(context, clock, Fallback(), upstreamPath, headers, body, null, what + ", no ext_proc");
            return;
        }

        var trusted = TrustsEndpointPicker(mode.EndpointPickerCluster, backend);
        var address = EndpointPickerOverride ?? ResolvePicker(mode.EndpointPickerCluster, backend);
        var downstream = new DownstreamRequest(request.Method, path + request.QueryString, request.Host.Value ?? "", request.Scheme, headers, body);
        if (address is null)
        {
            await FailedStreamAsync(context, clock, mode, Fallback(), upstreamPath, headers, body, $"{what}: EPP cluster {mode.EndpointPickerCluster} has no endpoint");
            return;
        }

        var messageTimeout = envoyRoute is null ? IstioMessageTimeout
            : envoy!.ExtProcFilterFor(envoyRoute)?.MessageTimeout is { } configured ? ProtoDuration.Parse(configured) : EnvoyDefaultMessageTimeout;
        await using var extProc = new GatewayExtProc(Connection(address, trusted), new ExtProcSettings(mode.Mode, mode.FailOpen, messageTimeout, Counters, ExtProcStatPrefix));
        var decision = await extProc.RequestPhaseAsync(downstream, context.RequestAborted);
        if (decision.Failure is { } failure)
        {
            if (!trusted && !decision.TimedOut && mode.EndpointPickerCluster is { } refusedBy)
            {
                Counters.TlsRefused(refusedBy);
            }

            await FailedStreamAsync(context, clock, mode with { FailOpen = mode.FailOpen || decision.ClosedByServer }, Fallback(), upstreamPath, headers, body,
                $"{what}: ext_proc {(decision.TimedOut ? "message timeout" : "stream failed")}: {failure}", decision.TimedOut);
            return;
        }

        if (decision.Immediate is { } immediate)
        {
            foreach (var (key, value) in decision.SetHeaders)
            {
                context.Response.Headers[key] = value;
            }

            await LocalReplyAsync(context, immediate.StatusCode, immediate.Body, $"{what}: ImmediateResponse {immediate.StatusCode}");
            return;
        }

        var mutated = Mutate(headers, decision);
        await ForwardAsync(context, clock, decision.Endpoint ?? Fallback(), upstreamPath, mutated, decision.Body ?? body, extProc,
            $"{what}: EPP picked {decision.Endpoint}");
    }

    private async Task FailedStreamAsync(HttpContext context, Stopwatch clock, EffectiveExtProcMode mode, string? fallback, string upstreamPath,
        List<KeyValuePair<string, string>> headers, byte[] body, string what, bool timedOut = false)
    {
        if (!mode.FailOpen)
        {
            // failure_mode_allow false: Envoy's local reply with an empty body — 500 for a gRPC error (onGrpcError),
            // 504 for the per-message timer (onMessageTimeout, runtime guard ext_proc_timeout_error, on by default).
            var status = timedOut ? 504 : 500;
            await LocalReplyAsync(context, status, "", what + $" -> fail-closed {status}");
            return;
        }

        // Fail-open. FULL_DUPLEX_STREAMED keeps no copy of the body chunks it handed to the stream (envoy #39740;
        // domain-facts §1.5), so the upstream request goes without body; BUFFERED forwards Envoy's own copy — to a pod
        // of the pool the EPP did not pick (no x-gateway-destination-endpoint).
        var kept = mode.Mode.RequestBody == BodySendMode.FullDuplexStreamed ? [] : body;
        await ForwardAsync(context, clock, fallback, upstreamPath, headers, kept, null, what + $" -> fail-open, body {(kept.Length == 0 && body.Length > 0 ? "lost" : "kept")}");
    }

    private async Task ForwardAsync(HttpContext context, Stopwatch clock, string? endpoint, string upstreamPath,
        IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, GatewayExtProc? extProc, string what)
    {
        var target = endpoint is null ? null : _network.PodEndpoint(endpoint);
        if (target is null)
        {
            await LocalReplyAsync(context, 503, "no healthy upstream", $"{what} -> 503 no healthy upstream ({endpoint ?? "no endpoint"})");
            return;
        }

        using var upstream = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, upstreamPath));
        if (body.Length > 0 || !HttpMethods.IsGet(context.Request.Method))
        {
            upstream.Content = new ByteArrayContent(body);
        }

        foreach (var (key, value) in headers)
        {
            if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase) && upstream.Content is not null)
            {
                upstream.Content.Headers.TryAddWithoutValidation(key, value);
            }
            else if (!HopByHop.Contains(key) && !key.StartsWith(':'))
            {
                upstream.Headers.TryAddWithoutValidation(key, value);
            }
        }

        upstream.Headers.TryAddWithoutValidation("x-forwarded-proto", context.Request.Scheme);
        upstream.Headers.Host = context.Request.Host.Value;
        HttpResponseMessage response;
        var started = Stopwatch.StartNew();
        try
        {
            response = await _upstream.SendAsync(upstream, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            await LocalReplyAsync(context, 503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure", $"{what} -> 503 upstream connect error");
            return;
        }

        using (response)
        {
            var payload = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            var status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            context.Response.Headers.Server = "istio-envoy";
            context.Response.Headers["x-envoy-upstream-service-time"] = ((long)started.Elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            if (extProc is not null)
            {
                foreach (var (key, value) in await extProc.ResponseHeadersAsync(status, response.Content.Headers.ContentType?.ToString(), context.RequestAborted))
                {
                    context.Response.Headers[key] = value;
                }
            }

            context.Response.ContentLength = payload.Length;
            Log.Enqueue($"{context.Request.Method} {context.Request.Path} {what} -> {endpoint} {status} (sent {(upstream.Content is null ? 0 : body.Length)} body bytes, {clock.ElapsedMilliseconds} ms)");
            await context.Response.Body.WriteAsync(payload, context.RequestAborted);
        }
    }

    private async Task LocalReplyAsync(HttpContext context, int status, string body, string what)
    {
        context.Response.StatusCode = status;
        Log.Enqueue($"{context.Request.Method} {context.Request.Path} {what}");
        if (body.Length > 0)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(body, context.RequestAborted);
        }
    }

    private static List<KeyValuePair<string, string>> Mutate(List<KeyValuePair<string, string>> headers, ExtProcDecision decision)
    {
        var result = headers.Where(h => !decision.RemoveHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var (key, value) in decision.SetHeaders)
        {
            if (key.StartsWith(':') || key.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            result.RemoveAll(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
            result.Add(new(key.ToLowerInvariant(), value));
        }

        return result;
    }

    /// <summary>Weighted choice among the backendRefs; weight 0 is never chosen (KServe's v1 pool ref).</summary>
    private static RouteBackend? PickBackend(IReadOnlyList<RouteBackend> backends)
    {
        var total = backends.Sum(b => Math.Max(0, b.Weight));
        if (total == 0)
        {
            return null;
        }

        var roll = Random.Shared.Next(total);
        foreach (var backend in backends)
        {
            roll -= Math.Max(0, backend.Weight);
            if (roll < 0)
            {
                return backend;
            }
        }

        return backends[^1];
    }

    /// <summary>Without a config_dump: Istio's generated mode (FULL_DUPLEX_STREAMED both ways) and the pool's failure mode.</summary>
    private EffectiveExtProcMode DefaultMode(RouteBackend backend)
    {
        var picker = _network.PoolPicker(backend.Namespace, backend.Name, backend.Group);
        var mode = new ProcessingMode(HeaderSendMode.Send, HeaderSendMode.Send, BodySendMode.FullDuplexStreamed, BodySendMode.FullDuplexStreamed, HeaderSendMode.Send, HeaderSendMode.Send);
        return new EffectiveExtProcMode(true, mode, picker?.FailOpen ?? false, "pool failureMode (no config_dump)",
            picker is { } p ? $"outbound|{p.Port}||{p.Service}.{backend.Namespace}.svc.cluster.local" : null);
    }

    /// <summary><c>outbound|9002||&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> → the simulated EPP address.</summary>
    private Uri? ResolvePicker(string? cluster, RouteBackend backend)
    {
        if (cluster is null)
        {
            var picker = _network.PoolPicker(backend.Namespace, backend.Name, backend.Group);
            return picker is { } p ? _network.ServiceAddress($"{p.Service}.{backend.Namespace}.svc.cluster.local:{p.Port}") : null;
        }

        var parts = cluster.Split('|');
        return parts.Length == 4 ? _network.ServiceAddress($"{parts[3]}:{parts[1]}") : null;
    }

    /// <summary>
    /// Whether this gateway's Envoy accepts the EPP's self-signed certificate: the DestinationRule Istio selects for the
    /// EPP host from this gateway's namespace (<see cref="IClusterNetwork.EndpointPickerTls"/>) decides; without one,
    /// the scenario's <c>eppTls</c>.
    /// </summary>
    private bool TrustsEndpointPicker(string? cluster, RouteBackend backend)
    {
        var host = cluster?.Split('|') is [_, _, _, var h] ? h
            : _network.PoolPicker(backend.Namespace, backend.Name, backend.Group) is { } p ? $"{p.Service}.{backend.Namespace}.svc.cluster.local" : null;
        return (host is null ? null : _network.EndpointPickerTls(Namespace, host)) ?? Behaviour.EppTls == EppTls.Trusted;
    }

    private GrpcConnection Connection(Uri address, bool trusted) =>
        _extProcConnections.GetOrAdd($"{address}|{trusted}", _ => new GrpcConnection(new GrpcConnectionOptions
        {
            Address = address,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            Tls = trusted
                ? new GrpcTlsOptions { InsecureSkipVerify = true }
                : new GrpcTlsOptions { CaFile = _network.CaFile },
        }));

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        foreach (var connection in _extProcConnections.Values)
        {
            connection.Dispose();
        }

        _upstream.Dispose();
        return ValueTask.CompletedTask;
    }
}
