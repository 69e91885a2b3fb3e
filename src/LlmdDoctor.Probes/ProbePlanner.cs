using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// Builds the probe plan from the request-flow map: for every gateway × model entry (flows grouped by gateway,
/// listener address, OpenAI API prefix and the headers their match requires) a GET <c>/v1/models</c>, a POST
/// <c>/v1/chat/completions</c>, a POST <c>/v1/completions</c> where a match routes that path explicitly, and
/// optionally a direct probe of the model Service behind the catch-all rule. Each probe walks the flow Envoy would
/// select for it (<see cref="IstioRouteOrder"/>) and carries the headers the entry's match requires. Matches a
/// probe cannot satisfy (regular expressions, query parameters, unsendable header values) are listed as unprobed.
/// </summary>
public static class ProbePlanner
{
    public const string ModelsSuffix = "/v1/models";
    public const string ChatSuffix = "/v1/chat/completions";
    public const string CompletionsSuffix = "/v1/completions";

    /// <param name="flows">The request-flow map (<c>DoctorInputs.Flows</c>).</param>
    /// <param name="settings">Overrides, direct-probe switch, model override.</param>
    /// <param name="cluster">When given, Service ports tell the scheme of direct probes.</param>
    public static ProbePlan Build(IReadOnlyList<RequestFlow> flows, ProbeSettings settings, ClusterSnapshot? cluster = null)
    {
        var groups = new List<ProbeGroup>();
        var unprobed = new List<UnprobedTarget>();
        foreach (var gatewayFlows in flows.GroupBy(f => f.GatewayKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var options = settings.For(gatewayFlows.Key);
            var probeable = new List<RequestFlow>();
            foreach (var flow in gatewayFlows.Where(IsModelFlow))
            {
                if (flow.Match.UnprobeableReason() is { } reason)
                {
                    unprobed.Add(new UnprobedTarget(gatewayFlows.Key, flow.ApiPrefix, string.Create(CultureInfo.InvariantCulture,
                        $"HTTPRoute {flow.RouteKey} rule {flow.RuleIndex} match {flow.MatchIndex} ({flow.Match.Describe()}) is not probed: {reason}")));
                    continue;
                }

                probeable.Add(flow);
            }

            var entries = probeable
                .GroupBy(f => (f.ApiPrefix, Headers: HeaderKey(f.Match), f.BaseUrl, f.Host))
                .OrderBy(g => g.Key.ApiPrefix, StringComparer.Ordinal).ThenBy(g => g.Key.Headers, StringComparer.Ordinal)
                .ThenBy(g => g.Key.BaseUrl, StringComparer.Ordinal).ThenBy(g => g.Key.Host, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var baseUrl = options.BaseUrl?.TrimEnd('/') ?? entry.Key.BaseUrl;
                // The route's hostname (Gateway API) unless the configuration names a Host for this gateway.
                var groupOptions = options.Host is null && entry.Key.Host is { } host ? options with { Host = host } : options;
                if (baseUrl is null)
                {
                    unprobed.Add(new UnprobedTarget(gatewayFlows.Key, entry.Key.ApiPrefix,
                        "the Gateway has no status address and no probe base URL is configured for it"));
                    continue;
                }

                var listenerFlows = gatewayFlows.Where(f => f.BaseUrl == entry.Key.BaseUrl && f.Host == entry.Key.Host).ToList();
                var headers = RequestHeaders(entry.First().Match);
                groups.Add(PlanGroup(gatewayFlows.Key, baseUrl, entry.Key.ApiPrefix, headers, [.. entry], listenerFlows, groupOptions, settings, cluster));
            }
        }

        return new ProbePlan(groups, unprobed);
    }

    /// <summary>
    /// A flow serves a model when it sends to an InferencePool, the cluster names its model, or its path is an
    /// OpenAI path. Other routes on the same gateway (dashboards, notebooks) are not probed: a GET /v1/models
    /// there would be a false alarm.
    /// </summary>
    public static bool IsModelFlow(RequestFlow flow) =>
        flow.IsPoolRoute || flow.Model is not null || flow.Path.TrimEnd('/') != flow.ApiPrefix;

    /// <summary>The flow Envoy selects for a request: the first in Istio's route order whose match accepts it; null when none does.</summary>
    public static RequestFlow? SelectedFlow(IEnumerable<RequestFlow> flows, string method, string path, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        flows.Where(f => f.Match.Accepts(method, path, headers)).Order(IstioRouteOrder.Instance).FirstOrDefault();

    /// <summary>The exact header values a match requires, as a request sends them.</summary>
    private static List<KeyValuePair<string, string>> RequestHeaders(FlowMatch match) =>
        [.. match.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))];

    private static string HeaderKey(FlowMatch match) =>
        string.Join('\n', match.Headers.Select(h => $"{h.Name.ToLowerInvariant()}\n{h.Value}"));

    private static ProbeGroup PlanGroup(string gatewayKey, string baseUrl, string apiPrefix, List<KeyValuePair<string, string>> headers,
        List<RequestFlow> modelFlows, List<RequestFlow> listenerFlows, GatewayProbeOptions options, ProbeSettings settings, ClusterSnapshot? cluster)
    {
        var modelOverride = options.ModelOverride ?? settings.ModelOverride;
        var clusterModel = modelFlows.Where(f => f.IsPoolRoute).Select(f => f.Model).FirstOrDefault(m => m is not null)
            ?? modelFlows.Select(f => f.Model).FirstOrDefault(m => m is not null);
        var expected = modelOverride ?? clusterModel;
        var (gwNs, gwName) = Split(gatewayKey);

        RequestFlow? Selected(string method, string suffix) => SelectedFlow(listenerFlows, method, apiPrefix + suffix, headers);

        ProbeTarget Target(ProbeKind kind, string method, string suffix)
        {
            var path = apiPrefix + suffix;
            var rule = Selected(method, suffix);
            return new ProbeTarget
            {
                Kind = kind,
                Method = method,
                Url = baseUrl + path,
                Path = path,
                GatewayNamespace = gwNs,
                GatewayName = gwName,
                RouteNamespace = rule?.Route.Metadata.Ns ?? "",
                RouteName = rule?.Route.Metadata.Name ?? "",
                RuleIndex = rule?.RuleIndex ?? -1,
                MatchIndex = rule?.MatchIndex ?? 0,
                EnvoyRouteName = rule?.EnvoyRouteName ?? "",
                ApiPrefix = apiPrefix,
                Headers = headers,
                ViaInferencePool = rule?.IsPoolRoute == true,
                ExpectedModel = expected,
            };
        }

        var models = Target(ProbeKind.Models, "GET", ModelsSuffix);
        var inferences = new List<ProbeTarget>();
        if (Selected("POST", ChatSuffix) is not null)
        {
            inferences.Add(Target(ProbeKind.Chat, "POST", ChatSuffix));
        }

        if (Selected("POST", CompletionsSuffix) is { } completionsRule
            && completionsRule.Path.TrimEnd('/').EndsWith(CompletionsSuffix, StringComparison.Ordinal))
        {
            inferences.Add(Target(ProbeKind.Completions, "POST", CompletionsSuffix));
        }

        return new ProbeGroup
        {
            GatewayKey = gatewayKey,
            BaseUrl = baseUrl,
            ApiPrefix = apiPrefix,
            Options = options,
            ModelOverride = modelOverride,
            ClusterModel = clusterModel,
            Models = models,
            Inferences = inferences,
            Direct = settings.ProbeModelServicesDirectly ? DirectTarget(models, Selected("GET", ModelsSuffix), settings, cluster) : null,
            DirectOptions = settings.Direct,
        };
    }

    /// <summary>The model Service the catch-all rule sends <c>/v1/models</c> to, probed at its cluster DNS name.</summary>
    private static ProbeTarget? DirectTarget(ProbeTarget models, RequestFlow? rule, ProbeSettings settings, ClusterSnapshot? cluster)
    {
        if (rule?.PrimaryBackend is not { Kind: BackendKind.Service, Exists: true, Port: { } port } svc)
        {
            return null;
        }

        var servicePort = cluster?.FindService(svc.Namespace, svc.Name)?.Spec.Ports.FirstOrDefault(p => p.Port == port);
        var hint = $"{servicePort?.AppProtocol} {servicePort?.Name}".ToLowerInvariant();
        var scheme = hint.Contains("https", StringComparison.Ordinal) ? "https"
            : hint.Contains("http", StringComparison.Ordinal) || hint.Contains("h2c", StringComparison.Ordinal) ? "http"
            : settings.DirectScheme;
        return models with
        {
            Kind = ProbeKind.Direct,
            Url = $"{scheme}://{svc.Name}.{svc.Namespace}.svc.{settings.ClusterDomain}:{port}{ModelsSuffix}",
            Path = ModelsSuffix,
            ViaInferencePool = false,
            Service = $"{svc.Namespace}/{svc.Name}",
        };
    }

    private static (string Ns, string Name) Split(string key) =>
        key.IndexOf('/', StringComparison.Ordinal) is var i and >= 0 ? (key[..i], key[(i + 1)..]) : ("", key);
}
