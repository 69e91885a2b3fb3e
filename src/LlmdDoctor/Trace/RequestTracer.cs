using System.Diagnostics;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.EndpointPicker;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Probes;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using LlmdDoctor.Core.Trace;
using LlmdDoctor.Envoy.ExtProc;
using LlmdDoctor.Envoy.Grpc;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Probes;

namespace LlmdDoctor.Trace;

/// <summary>
/// Sends one request through one gateway and gathers what each hop did with it, in this order: the inventory
/// (Kubernetes API), the gateway's Envoy admin (config dump, Endpoint Picker counters) through port-forward, a direct
/// ext_proc conversation with the route's Endpoint Picker carrying the same method, path, headers and body, the
/// request itself, and the Endpoint Picker counters again (their growth is this request's). Read-only toward the
/// cluster; the request is the user's own.
/// </summary>
public sealed class RequestTracer(KubeConnection connection, DoctorConfig config, ServiceAddresses? addresses = null, bool? inCluster = null)
{
    private readonly ServiceAddresses _addresses = addresses ?? new ServiceAddresses();

    public async Task<RequestTrace> RunAsync(TraceRequestSpec spec, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var client = new KubeClient(RegisteredCredentialSource.Of(connection));
        var phases = new List<TracePhase>();
        var clock = Stopwatch.StartNew();
        ClusterSnapshot snapshot;
        try
        {
            snapshot = (await new LiveInventoryCollector(client, new LiveInventoryOptions()).CollectAsync(cancellation).ConfigureAwait(false)).Snapshot;
        }
        catch (ClusterUnreachableException ex)
        {
            throw new SourceUnreachableException(ex.Message, ex);
        }

        phases.Add(Phase("Kubernetes inventory", clock));
        var gateway = snapshot.FindGateway(spec.GatewayNamespace, spec.GatewayName)
            ?? throw new TraceUsageException($"Gateway {spec.GatewayKey} not found; gateways: {Names(snapshot.Gateways.Select(g => g.Metadata.Key))}");
        var flows = RequestFlowMap.Build(snapshot).Where(f => f.GatewayKey == spec.GatewayKey).ToList();
        var request = Plan(spec, gateway, flows);

        clock.Restart();
        var envoyReader = new EnvoyAdminCollector(client, config.Limits.MaxDumpBytes, config.Probe.Timeout);
        var envoy = await envoyReader.ReadGatewayAsync(snapshot, gateway, cancellation).ConfigureAwait(false);
        phases.Add(Phase("Envoy admin (config_dump, stats)", clock));

        var evidence = new TraceEvidence
        {
            Request = request.Traced,
            Cluster = snapshot,
            Gateway = gateway,
            Port = request.Url.Port,
            Headers = request.MatchHeaders,
            Flows = flows,
            Envoy = envoy is { IsReadable: true } ? envoy : null,
            EnvoyUnavailable = envoy is null ? "the gateway has no pod in the inventory" : envoy.Problem,
            RunbookBaseUrl = config.RunbookBaseUrl ?? ReportBuilder.OfflineRunbookBase,
        };

        var (route, flow) = RequestTraceExplainer.RouteOf(evidence);
        clock.Restart();
        evidence = await AskPickerAsync(client, evidence, request, route, flow, cancellation).ConfigureAwait(false);
        if (evidence.Picker is not null)
        {
            phases.Add(Phase("ext_proc conversation with the Endpoint Picker", clock));
        }

        var settings = DoctorSettings.Probes(config, new Dictionary<string, ProbeCredential>(), inCluster: false);
        var options = settings.For(spec.GatewayKey) with { Host = request.Traced.Host == request.Url.Authority ? null : request.Traced.Host };
        if (request.Credential is { } credential)
        {
            options = options with { Credential = credential };
        }

        using var prober = new GatewayProber(settings);
        var answer = await prober.SendOnceAsync(request.Target(flow), options, request.Body, cancellation).ConfigureAwait(false);
        foreach (var phase in new[] { ProbePhase.Resolve, ProbePhase.Connect, ProbePhase.Tls, ProbePhase.Processing, ProbePhase.Transfer })
        {
            phases.Add(new TracePhase($"request: {phase.ToLabel()}", answer.Timings.Of(phase).TotalMilliseconds));
        }

        if (evidence.Envoy is { } read)
        {
            clock.Restart();
            var after = await envoyReader.ReadEndpointPickerStatsAsync(snapshot, gateway, read, cancellation).ConfigureAwait(false);
            phases.Add(Phase("Envoy admin (stats after the request)", clock));
            evidence = evidence with { StatsAfter = after };
        }

        return RequestTraceExplainer.Explain(evidence with { Answer = answer }, phases, answer.TraceId.Length > 0 ? answer.TraceId : null);
    }

    /// <summary>The request to send: path (from --path, or the chat completions path of the route serving --model), method, body, Host, URL.</summary>
    private PlannedRequest Plan(TraceRequestSpec spec, Gateway gateway, List<RequestFlow> flows)
    {
        RequestFlow? modelFlow = null;
        if (spec.Path is null)
        {
            modelFlow = flows.Where(f => f.Model == spec.Model).OrderByDescending(f => f.IsPoolRoute).FirstOrDefault()
                ?? throw new TraceUsageException($"no route on Gateway {spec.GatewayKey} names model '{spec.Model}'; give --path, or one of: {Names(flows.Select(f => f.Model).OfType<string>())}");
        }

        var path = spec.Path ?? modelFlow!.ApiPrefix + ProbePlanner.ChatSuffix;
        var pathOnly = path.Split('?', '#')[0];
        var inference = pathOnly.EndsWith(ProbePlanner.ChatSuffix, StringComparison.Ordinal) || pathOnly.EndsWith(ProbePlanner.CompletionsSuffix, StringComparison.Ordinal);
        var method = spec.Method ?? (spec.Body is not null || inference ? "POST" : "GET");
        var headers = spec.Headers.ToList();
        // A model routed by header (KServe's X-Gateway-Model-Name) is reached only with that header, as the probes send it.
        foreach (var required in modelFlow?.Match.Headers.Where(h => !h.IsRegex) ?? [])
        {
            if (!headers.Any(h => string.Equals(h.Key, required.Name, StringComparison.OrdinalIgnoreCase)))
            {
                headers.Add(new(required.Name, required.Value));
            }
        }

        var selected = flows.Where(f => f.Match.Accepts(method, pathOnly, headers)).Order(IstioRouteOrder.Instance).FirstOrDefault() ?? modelFlow;
        var model = spec.Model ?? TraceRequestSpec.ModelOf(spec.Body) ?? selected?.Model ?? flows.Select(f => f.Model).FirstOrDefault(m => m is not null);
        var body = spec.Body ?? (method == "POST" && inference
            ? InferenceRequestBody.For(pathOnly.EndsWith(ProbePlanner.CompletionsSuffix, StringComparison.Ordinal) ? ProbeKind.Completions : ProbeKind.Chat, model ?? "probe")
            : null);

        var overrides = config.Gateways.Overrides.GetValueOrDefault(spec.GatewayKey);
        var baseUrl = overrides?.Url?.TrimEnd('/') ?? selected?.BaseUrl ?? flows.Select(f => f.BaseUrl).FirstOrDefault(u => u is not null) ?? BaseUrlOf(gateway)
            ?? throw new TraceUsageException($"Gateway {spec.GatewayKey} has no status address; set gateways.overrides.\"{spec.GatewayKey}\".url in --config");
        var url = new Uri(baseUrl + path);
        var host = spec.Host ?? selected?.Host ?? url.Authority;

        // A credential header is sent as the probes send one: redacted in every transcript and output.
        foreach (var secret in headers.Where(h => IsCredentialHeader(h.Key)))
        {
            KnownCredentials.Register(secret.Value);
        }

        var first = headers.FindIndex(h => IsCredentialHeader(h.Key) && h.Value.Length > 0);
        var credential = first < 0 ? null : new ProbeCredential(headers[first].Key, headers[first].Value);
        if (first >= 0)
        {
            headers.RemoveAt(first);
        }

        return new PlannedRequest
        {
            Traced = new TracedRequest
            {
                Gateway = spec.GatewayKey,
                Method = method,
                Url = url.ToString(),
                Path = path,
                Host = host,
                HeaderNames = [.. spec.Headers.Select(h => h.Key).Concat(headers.Select(h => h.Key)).Distinct(StringComparer.OrdinalIgnoreCase)],
                BodyBytes = body?.Length ?? 0,
                Model = TraceRequestSpec.ModelOf(body) ?? spec.Model,
            },
            Url = url,
            Body = body,
            Headers = headers,
            MatchHeaders = credential is null ? headers : [.. headers, new(credential.HeaderName, "")],
            Credential = credential,
            GatewayNamespace = spec.GatewayNamespace,
            GatewayName = spec.GatewayName,
        };
    }

    /// <summary>
    /// The route's Endpoint Picker (the ext_proc cluster of the Envoy route, else the HTTPRoute's InferencePool), asked
    /// directly: by its Service name inside the cluster; from a laptop (the name does not resolve there) through
    /// <c>pods/portforward</c> to a ready pod of that Service, as <c>kubectl port-forward</c> would. When the
    /// port-forward is denied or fails, the hop is skipped with that reason.
    /// </summary>
    private async Task<TraceEvidence> AskPickerAsync(KubeClient client, TraceEvidence evidence, PlannedRequest request, EnvoyRoute? route, RequestFlow? flow, CancellationToken cancellation)
    {
        var mode = route is not null ? evidence.Envoy!.EffectiveExtProc(route) : null;
        (string Ns, string Service, int Port)? picker = null;
        if (mode?.EndpointPickerCluster is { } cluster && EndpointPickerRelease.ServiceOf(cluster) is var (ns, svc)
            && cluster.Split('|') is [_, var port, ..] && int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            picker = (ns, svc, number);
        }
        else if (flow?.Pool is { PickerKind: "Service" } pool && pool.PickerName.Length > 0)
        {
            picker = (pool.Metadata.Ns, pool.PickerName, pool.PickerPort);
        }

        if (picker is not { } p)
        {
            return evidence with { PickerSkipped = "the route names no Endpoint Picker" };
        }

        var tls = new GrpcTlsOptions { InsecureSkipVerify = true };
        GrpcConnectionOptions dial;
        string address;
        Stream? forwarded = null;
        if (!(inCluster ?? InClusterConnection.IsAvailable()) && !_addresses.Mapped)
        {
            var (pod, podPort, why) = EndpointPickerPod(evidence.Cluster, p.Ns, p.Service, p.Port);
            if (pod is null)
            {
                return evidence with { PickerSkipped = $"Endpoint Picker {p.Ns}/{p.Service}:{p.Port} is not reachable from outside the cluster: {why}" };
            }

            try
            {
                forwarded = await client.PortForwardStreamAsync(pod.Metadata.Ns, pod.Metadata.Name, podPort, config.Probe.Timeout, cancellation).ConfigureAwait(false);
            }
            catch (KubeApiException ex)
            {
                return evidence with
                {
                    PickerSkipped = $"Endpoint Picker {p.Ns}/{p.Service}:{p.Port} is dialled through pods/portforward from outside the cluster, which {(ex is KubeForbiddenException ? "is denied" : "failed")}: {ex.Message}; " +
                        "run the trace in the agent instead (kubectl exec -n llm-d-monitoring deploy/llmd-doctor -- llmd-doctor trace --config /etc/llmd-doctor/config.yaml …)",
                };
            }

            // One ext_proc conversation is one HTTP/2 connection: the stream opened above; should the client dial
            // again, another port-forward.
            var (podNs, podName) = (pod.Metadata.Ns, pod.Metadata.Name);
            address = $"pod {podNs}/{podName}:{podPort} (pods/portforward; Service {p.Service}:{p.Port})";
            dial = new GrpcConnectionOptions
            {
                Address = new Uri($"https://{p.Service}.{p.Ns}.svc:{p.Port}"),
                Tls = tls,
                ConnectTimeout = config.Probe.Timeout,
                Connect = ct => Interlocked.Exchange(ref forwarded, null) is { } open
                    ? ValueTask.FromResult(open)
                    : new ValueTask<Stream>(client.PortForwardStreamAsync(podNs, podName, podPort, config.Probe.Timeout, ct)),
            };
        }
        else
        {
            var resolved = _addresses.Resolve(p.Ns, p.Service, p.Port, "https");
            address = resolved.ToString();
            dial = new GrpcConnectionOptions { Address = resolved, Tls = tls, ConnectTimeout = config.Probe.Timeout };
        }

        var ask = new ExtProcProbeRequest
        {
            Method = request.Traced.Method,
            Path = request.Traced.Path,
            Authority = request.Traced.Host,
            Scheme = request.Url.Scheme,
            Headers = request.Headers,
            Body = request.Body ?? ReadOnlyMemory<byte>.Empty,
        };
        ExtProcOutcome outcome;
        // TLS is not verified here (GIE's certificate is self-signed by default): whether the gateway trusts it is the gateway → EPP hop's business.
        try
        {
            using var grpc = new GrpcConnection(dial);
            outcome = await new ExtProcConversation(grpc)
                .RunAsync(ask, new ExtProcConversationOptions { Timeout = config.Probe.Timeout, SendResponseHeaders = true }, cancellation)
                .ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Exchange(ref forwarded, null) is { } unused)
            {
                await unused.DisposeAsync().ConfigureAwait(false);
            }
        }

        return evidence with
        {
            PickerAddress = address,
            Picker = new EndpointPickerConversation
            {
                Mode = "FULL_DUPLEX_STREAMED",
                Succeeded = outcome.Succeeded,
                PickedEndpoint = outcome.PickedEndpoint,
                ImmediateStatus = outcome.ImmediateResponse?.StatusCode,
                ImmediateBody = outcome.ImmediateResponse?.Body,
                Body = outcome.Body.ToString(),
                GrpcStatus = outcome.GrpcStatus is { IsOk: false } st ? st.Code.ToString() : null,
                Failure = outcome.Failure == GrpcFailureKind.None ? null : outcome.Failure.ToString(),
                Error = outcome.Error,
                LatencyMs = (long)outcome.Latency.TotalMilliseconds,
            },
        };
    }

    /// <summary>
    /// A ready pod of the Endpoint Picker's Service (by name, so the choice is stable) and the pod port behind the
    /// Service port: <c>targetPort</c> as a number, as a container port name, or unset (the port itself).
    /// </summary>
    private static (Pod? Pod, int Port, string Why) EndpointPickerPod(ClusterSnapshot cluster, string ns, string service, int port)
    {
        if (cluster.FindService(ns, service) is not { } svc)
        {
            return (null, 0, $"its Service {ns}/{service} is not in the inventory");
        }

        var pods = svc.Spec.Selector.Count == 0 ? [] : cluster.PodsMatching(ns, LabelSelector.FromMap(svc.Spec.Selector)).ToList();
        if (pods.Where(p => p.IsReady).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault() is not { } pod)
        {
            return (null, 0, $"its Service selects no ready pod ({pods.Count} pods) to port-forward to");
        }

        var target = svc.Spec.Ports.FirstOrDefault(sp => sp.Port == port)?.TargetPort;
        int? podPort = target is { Number: { } n } ? n : target is { Name: { } name } ? pod.PortNamed(name) : port;
        return podPort is { } resolved
            ? (pod, resolved, "")
            : (null, 0, $"pod {pod.Metadata.Key} has no container port named {target?.Name}");
    }

    private static bool IsCredentialHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) || name.Contains("api-key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Gateway's status address and first listener, as the request-flow map builds base URLs.</summary>
    private static string? BaseUrlOf(Gateway gateway)
    {
        var address = gateway.Status.Addresses.FirstOrDefault()?.Value;
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        var listener = gateway.Spec.Listeners.FirstOrDefault();
        var https = listener?.Protocol is "HTTPS" or "TLS";
        var host = address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
        return $"{(https ? "https" : "http")}://{host}:{listener?.Port ?? (https ? 443 : 80)}";
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(20).Select(n => new string([.. n.Select(c => char.IsControl(c) ? '?' : c)])).ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }

    private static TracePhase Phase(string name, Stopwatch clock) => new(name, Math.Round(clock.Elapsed.TotalMilliseconds, 1));

    private sealed record PlannedRequest
    {
        public required TracedRequest Traced { get; init; }
        public required Uri Url { get; init; }
        public byte[]? Body { get; init; }
        public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
        public required IReadOnlyList<KeyValuePair<string, string>> MatchHeaders { get; init; }
        public ProbeCredential? Credential { get; init; }
        public required string GatewayNamespace { get; init; }
        public required string GatewayName { get; init; }

        public ProbeTarget Target(RequestFlow? flow) => new()
        {
            Kind = Traced.Path.Split('?')[0].EndsWith(ProbePlanner.CompletionsSuffix, StringComparison.Ordinal) && !Traced.Path.Contains("/chat/", StringComparison.Ordinal)
                ? ProbeKind.Completions : Traced.Method == "GET" ? ProbeKind.Models : ProbeKind.Chat,
            Method = Traced.Method,
            Url = Url.ToString(),
            Path = Traced.Path,
            GatewayNamespace = GatewayNamespace,
            GatewayName = GatewayName,
            RouteNamespace = flow?.Route.Metadata.Ns ?? "",
            RouteName = flow?.Route.Metadata.Name ?? "",
            RuleIndex = flow?.RuleIndex ?? -1,
            MatchIndex = flow?.MatchIndex ?? 0,
            EnvoyRouteName = flow?.EnvoyRouteName ?? "",
            ApiPrefix = flow?.ApiPrefix ?? "",
            Headers = Headers,
            ViaInferencePool = flow?.IsPoolRoute == true,
            ExpectedModel = flow?.Model,
        };
    }
}
