namespace LlmdDoctor.Core.Cluster;

/// <summary>Builds the request-flow map of a snapshot: every Gateway × HTTPRoute rule match → backend → model.</summary>
public static class RequestFlowMap
{
    // OpenAI endpoints, and Anthropic's /v1/messages that vLLM and KServe serve too (KServe ad956bd07).
    private static readonly string[] OpenAiSuffixes = ["/v1/chat/completions", "/v1/completions", "/v1/responses", "/v1/messages", "/v1/models", "/v1"];

    public static IReadOnlyList<RequestFlow> Build(ClusterSnapshot cluster)
    {
        var flows = new List<RequestFlow>();
        foreach (var gateway in cluster.Gateways.OrderBy(g => g.Metadata.Key, StringComparer.Ordinal))
        {
            foreach (var route in cluster.RoutesOf(gateway).OrderBy(r => r.Metadata.Key, StringComparer.Ordinal))
            {
                var parent = route.Spec.ParentRefs.First(p => p.RefersToGateway(route.Metadata.Ns, gateway.Metadata.Ns, gateway.Metadata.Name));
                var listener = ListenerOf(gateway, parent.SectionName);
                var baseUrl = BaseUrlOf(gateway, listener);
                var host = GatewayHostnames.ProbeHost(route.Spec.Hostnames, listener?.Hostname);
                for (var i = 0; i < route.Spec.Rules.Count; i++)
                {
                    var rule = route.Spec.Rules[i];
                    var backends = rule.BackendRefs.Select(b => Resolve(cluster, route.Metadata.Ns, b)).ToList();
                    var primary = backends.OrderByDescending(b => b.Weight).FirstOrDefault();
                    var pool = primary is { Kind: BackendKind.InferencePool, Exists: true }
                        ? cluster.FindPools(primary.Namespace, primary.Name, primary.Group).FirstOrDefault()
                        : null;
                    var model = ModelOf(cluster, route, pool, primary);
                    // A rule without matches matches everything (Gateway API default: PathPrefix /).
                    var matches = rule.Matches.Count == 0 ? [FlowMatch.Any] : rule.Matches.Select(FlowMatch.Of).ToList();
                    for (var m = 0; m < matches.Count; m++)
                    {
                        flows.Add(new RequestFlow
                        {
                            Gateway = gateway,
                            Route = route,
                            RuleIndex = i,
                            MatchIndex = m,
                            EnvoyRouteName = EnvoyRouteNameOf(route, rule, i),
                            Match = matches[m],
                            ApiPrefix = ApiPrefixOf(matches[m].NormalizedPath),
                            Backends = backends,
                            Pool = pool,
                            EndpointPicker = pool is null ? null : $"{pool.Metadata.Ns}/{pool.PickerName}",
                            Model = model,
                            BaseUrl = baseUrl,
                            Host = host,
                            Listener = parent.SectionName,
                        });
                    }
                }
            }
        }

        return flows;
    }

    /// <summary>
    /// Istio's Envoy route name for a rule: its <c>name</c> alone when set, else <c>&lt;ns&gt;.&lt;route&gt;.&lt;index&gt;</c>
    /// (istio pilot/pkg/config/kube/gateway/conversion.go @1.27.0 convertHTTPRoute); every match of the rule carries it.
    /// </summary>
    public static string EnvoyRouteNameOf(HttpRoute route, HttpRouteRule rule, int index) =>
        string.IsNullOrEmpty(rule.Name) ? $"{route.Metadata.Ns}.{route.Metadata.Name}.{index}" : rule.Name;

    public static string ApiPrefixOf(string pathPrefix)
    {
        var p = pathPrefix.TrimEnd('/');
        foreach (var suffix in OpenAiSuffixes)
        {
            if (p.EndsWith(suffix, StringComparison.Ordinal))
            {
                return p[..^suffix.Length];
            }
        }

        return p;
    }

    private static FlowBackend Resolve(ClusterSnapshot cluster, string routeNs, HttpBackendRef b)
    {
        var ns = b.Namespace ?? routeNs;
        var weight = b.Weight ?? 1;
        if (b.IsService)
        {
            return new FlowBackend(BackendKind.Service, "", ns, b.Name, b.Port, weight, cluster.FindService(ns, b.Name) is not null);
        }

        if (b.IsInferencePool)
        {
            var group = b.Group ?? "";
            return new FlowBackend(BackendKind.InferencePool, group, ns, b.Name, b.Port, weight, cluster.FindPools(ns, b.Name, group).Any());
        }

        return new FlowBackend(BackendKind.Other, $"{b.Group}/{b.Kind}", ns, b.Name, b.Port, weight, Exists: true);
    }

    private static string? BaseUrlOf(Gateway gateway, GatewayListener? listener)
    {
        var address = gateway.Status.Addresses.FirstOrDefault()?.Value;
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        var https = listener?.Protocol is "HTTPS" or "TLS";
        var port = listener?.Port ?? (https ? 443 : 80);
        var host = address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
        var defaultPort = https ? 443 : 80;
        return $"{(https ? "https" : "http")}://{host}{(port == defaultPort ? "" : $":{port}")}";
    }

    private static GatewayListener? ListenerOf(Gateway gateway, string? sectionName) =>
        gateway.Spec.Listeners.FirstOrDefault(l => sectionName is null || l.Name == sectionName) ?? gateway.Spec.Listeners.FirstOrDefault();

    private static string? ModelOf(ClusterSnapshot cluster, HttpRoute route, InferencePool? pool, FlowBackend? primary)
    {
        // KServe names the route <llmisvc>-kserve-route and owns it by the LLMInferenceService.
        var owner = route.Metadata.OwnerReferences.FirstOrDefault(o => o.Kind == "LLMInferenceService")?.Name
            ?? (route.Metadata.Name.EndsWith("-kserve-route", StringComparison.Ordinal) ? route.Metadata.Name[..^"-kserve-route".Length] : null);
        var llmisvc = cluster.LlmInferenceServices.FirstOrDefault(s => s.Metadata.Ns == route.Metadata.Ns && s.Metadata.Name == owner);
        if (llmisvc?.Spec.Model.Name is { Length: > 0 } name)
        {
            return name;
        }

        IEnumerable<Pod> pods = pool is not null ? cluster.PodsMatching(pool.Metadata.Ns, pool.Selector)
            : primary is { Kind: BackendKind.Service } && cluster.FindService(primary.Namespace, primary.Name) is { } svc && svc.Spec.Selector.Count > 0
                ? cluster.PodsMatching(svc.Metadata.Ns, LabelSelector.FromMap(svc.Spec.Selector))
                : [];
        foreach (var container in pods.SelectMany(p => p.Spec.Containers))
        {
            var args = container.Command.Concat(container.Args).ToList();
            for (var i = 0; i < args.Count; i++)
            {
                if (args[i].StartsWith("--served-model-name=", StringComparison.Ordinal))
                {
                    return args[i]["--served-model-name=".Length..];
                }

                if (args[i] == "--served-model-name" && i + 1 < args.Count)
                {
                    return args[i + 1];
                }
            }
        }

        return null;
    }
}
