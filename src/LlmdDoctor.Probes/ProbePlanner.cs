using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes;

/// <summary>
/// Builds the probe plan from the request-flow map: for every gateway × model (flows grouped by gateway,
/// listener address and OpenAI API prefix) a GET <c>/v1/models</c>, a POST <c>/v1/chat/completions</c>, a POST
/// <c>/v1/completions</c> where a rule routes that path explicitly (KServe rule 0), and optionally a direct
/// probe of the model Service behind the catch-all rule.
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
            var modelPrefixes = gatewayFlows.Where(IsModelFlow)
                .GroupBy(f => (f.ApiPrefix, f.BaseUrl, f.Host))
                .OrderBy(g => g.Key.ApiPrefix, StringComparer.Ordinal).ThenBy(g => g.Key.BaseUrl, StringComparer.Ordinal).ThenBy(g => g.Key.Host, StringComparer.Ordinal);
            foreach (var model in modelPrefixes)
            {
                var baseUrl = options.BaseUrl?.TrimEnd('/') ?? model.Key.BaseUrl;
                // The route's hostname (Gateway API) unless the configuration names a Host for this gateway.
                var groupOptions = options.Host is null && model.Key.Host is { } host ? options with { Host = host } : options;
                if (baseUrl is null)
                {
                    unprobed.Add(new UnprobedTarget(gatewayFlows.Key, model.Key.ApiPrefix,
                        "the Gateway has no status address and no probe base URL is configured for it"));
                    continue;
                }

                var listenerFlows = gatewayFlows.Where(f => f.BaseUrl == model.Key.BaseUrl && f.Host == model.Key.Host).ToList();
                groups.Add(PlanGroup(gatewayFlows.Key, baseUrl, model.Key.ApiPrefix, [.. model], listenerFlows, groupOptions, settings, cluster));
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
        flow.IsPoolRoute || flow.Model is not null || flow.PathPrefix.TrimEnd('/') != flow.ApiPrefix;

    private static ProbeGroup PlanGroup(string gatewayKey, string baseUrl, string apiPrefix, List<RequestFlow> modelFlows,
        List<RequestFlow> listenerFlows, GatewayProbeOptions options, ProbeSettings settings, ClusterSnapshot? cluster)
    {
        var modelOverride = options.ModelOverride ?? settings.ModelOverride;
        var clusterModel = modelFlows.Where(f => f.IsPoolRoute).Select(f => f.Model).FirstOrDefault(m => m is not null)
            ?? modelFlows.Select(f => f.Model).FirstOrDefault(m => m is not null);
        var expected = modelOverride ?? clusterModel;
        var (gwNs, gwName) = Split(gatewayKey);

        ProbeTarget Target(ProbeKind kind, string method, string suffix)
        {
            var path = apiPrefix + suffix;
            var rule = MatchingRule(listenerFlows, path);
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
                EnvoyRouteName = rule?.EnvoyRouteName ?? "",
                ApiPrefix = apiPrefix,
                ViaInferencePool = rule?.IsPoolRoute == true,
                ExpectedModel = expected,
            };
        }

        var models = Target(ProbeKind.Models, "GET", ModelsSuffix);
        var inferences = new List<ProbeTarget>();
        if (MatchingRule(listenerFlows, apiPrefix + ChatSuffix) is not null)
        {
            inferences.Add(Target(ProbeKind.Chat, "POST", ChatSuffix));
        }

        if (MatchingRule(listenerFlows, apiPrefix + CompletionsSuffix) is { } completionsRule
            && completionsRule.PathPrefix.TrimEnd('/').EndsWith(CompletionsSuffix, StringComparison.Ordinal))
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
            Direct = settings.ProbeModelServicesDirectly ? DirectTarget(models, MatchingRule(listenerFlows, models.Path), settings, cluster) : null,
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

    /// <summary>The rule Envoy would pick for <paramref name="path"/>: the longest matching path prefix, element-wise (Gateway API PathPrefix).</summary>
    internal static RequestFlow? MatchingRule(IEnumerable<RequestFlow> flows, string path) =>
        flows.Where(f => PrefixMatches(f.PathPrefix, path))
            .OrderByDescending(f => f.PathPrefix.TrimEnd('/').Length)
            .ThenBy(f => f.RouteKey, StringComparer.Ordinal).ThenBy(f => f.RuleIndex)
            .FirstOrDefault();

    private static bool PrefixMatches(string prefix, string path)
    {
        var p = prefix.TrimEnd('/');
        return p.Length == 0 || path == p || path.StartsWith(p + "/", StringComparison.Ordinal);
    }

    private static (string Ns, string Name) Split(string key) =>
        key.IndexOf('/', StringComparison.Ordinal) is var i and >= 0 ? (key[..i], key[(i + 1)..]) : ("", key);
}
