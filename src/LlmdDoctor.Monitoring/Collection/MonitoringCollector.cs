using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Monitoring;
using LlmdDoctor.Monitoring.Clients;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>
/// The monitoring collector: all I/O of the monitoring checks. It derives what the snapshot alone says
/// (<see cref="DeriveFromSnapshot"/>, also used offline by <c>analyze</c>), then asks Prometheus/Thanos, Grafana and
/// Alertmanager what they see for the model namespaces, and records each input as Available, NotCollected (no
/// URL) or Unavailable (with the reason). An unreachable Prometheus still yields a <see cref="DatasourceProbe"/>,
/// so LLMD0601–0603 name it while the checks that need its data are skipped.
/// </summary>
public sealed class MonitoringCollector
{
    private readonly MonitoringSettings _settings;

    public MonitoringCollector(MonitoringSettings settings) => _settings = settings;

    /// <summary>Facts that need no I/O: the parsed cluster-monitoring-config and the configured token Secret.</summary>
    public static MonitoringFacts DeriveFromSnapshot(ClusterSnapshot snapshot, MonitoringSettings? settings = null) => new()
    {
        ClusterMonitoringConfig = ClusterMonitoringConfigReader.Read(
            snapshot.FindConfigMap(MonitorSelection.MonitoringNamespace, MonitorSelection.ClusterMonitoringConfigName)),
        TokenSecrets = settings?.Prometheus.TokenSecret is { Length: > 0 } secret ? [secret] : [],
    };

    public async Task<MonitoringCollection> CollectAsync(ClusterSnapshot snapshot, CancellationToken cancellation = default)
    {
        var facts = DeriveFromSnapshot(snapshot, _settings);
        var states = new Dictionary<CheckInput, InputState>();
        var probes = new List<DatasourceProbe>();

        var prometheus = await CollectPrometheusAsync(snapshot, probes, cancellation).ConfigureAwait(false);
        states[CheckInput.Prometheus] = prometheus.State;
        var (grafana, grafanaState) = await CollectGrafanaAsync(snapshot, probes, cancellation).ConfigureAwait(false);
        states[CheckInput.Grafana] = grafanaState;
        var (alertmanager, alertmanagerState) = await CollectAlertmanagerAsync(probes, cancellation).ConfigureAwait(false);
        states[CheckInput.Alertmanager] = alertmanagerState;
        states[CheckInput.MonitoringEndpoints] = InputState.Available("monitoring collector");

        return new MonitoringCollection(
            facts with { Datasources = probes, Prometheus = prometheus.Facts, Grafana = grafana, Alertmanager = alertmanager },
            states);
    }

    private async Task<(PrometheusFacts? Facts, InputState State)> CollectPrometheusAsync(
        ClusterSnapshot snapshot, List<DatasourceProbe> probes, CancellationToken cancellation)
    {
        var target = PrometheusDiscovery.Resolve(snapshot, _settings.Prometheus);
        if (target is null)
        {
            return (null, InputState.NotCollected("no Prometheus URL configured and none discovered (not OpenShift, no Prometheus Operator Prometheus)"));
        }

        var settings = target.Settings;
        using var client = new PrometheusClient(settings, _settings.Timeout, _settings.MaxResponseBytes);
        var workloads = ServingWorkloads.Find(snapshot);
        var namespaces = workloads.Select(w => w.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var tenancy = settings.Tenancy ? namespaces.FirstOrDefault() ?? "default" : null;

        var first = await client.QueryAsync("vector(1)", tenancy, cancellation).ConfigureAwait(false);
        var probe = first.Call.ToProbe(DatasourceRole.Query, client.DisplayUrl);
        if (first.Call.Outcome == ApiOutcome.Ok && !first.Ok)
        {
            probe = probe with { Outcome = ApiOutcome.BadResponse, Reason = "not a Prometheus API", Detail = first.Error };
        }

        probes.Add(probe);
        if (!probe.IsOk)
        {
            return (null, InputState.Unavailable(target.Description, $"{probe.Reason}: {probe.Detail}"));
        }

        var queries = new PrometheusQueries(client, settings.Tenancy, namespaces);
        var up = await queries.ForNamespacesAsync(ns => $"up{{namespace=~\"{ns}\"}}", cancellation).ConfigureAwait(false);
        var series = await queries.ForNamespacesAsync(
            ns => $"count by (__name__, namespace, pod) ({{__name__=~\"{MetricFamilies.WorkloadNameRegex}\", namespace=~\"{ns}\"}})", cancellation).ConfigureAwait(false);
        if (up.Error.Length > 0 || series.Error.Length > 0)
        {
            return (null, InputState.Unavailable(target.Description, up.Error.Length > 0 ? up.Error : series.Error));
        }

        var facts = new PrometheusFacts
        {
            Source = target.Description,
            Namespaces = namespaces,
            Up = up.Samples,
            WorkloadSeries = series.Samples,
            GpuSeries = await GpuSeriesAsync(client, settings.Tenancy, workloads, cancellation).ConfigureAwait(false),
            Rules = await RulesAsync(snapshot, client, settings, target.Description, namespaces, probes, cancellation).ConfigureAwait(false),
            DashboardQueries = await DashboardQueriesAsync(snapshot, client, settings.Tenancy, cancellation).ConfigureAwait(false),
        };
        return (facts, InputState.Available(target.Description));
    }

    private static async Task<IReadOnlyList<PromSample>?> GpuSeriesAsync(
        PrometheusClient client, bool tenancy, IReadOnlyList<ServingWorkload> workloads, CancellationToken cancellation)
    {
        var gpuPods = workloads.Where(w => w.Role == WorkloadRole.Vllm).SelectMany(w => w.Pods)
            .Any(p => p.Spec.Containers.Any(c => c.Resources.Requests.ContainsKey("nvidia.com/gpu") || c.Resources.Limits.ContainsKey("nvidia.com/gpu")));

        // The tenancy port only answers for one namespace; DCGM series live in the GPU Operator's namespace.
        if (!gpuPods || tenancy)
        {
            return null;
        }

        var result = await client.QueryAsync(
            $"count by (Hostname, node, kubernetes_node, instance, exported_instance) ({MetricFamilies.GpuUtilization})", null, cancellation).ConfigureAwait(false);
        return result.Ok ? result.Samples : null;
    }

    private async Task<RulesFact?> RulesAsync(ClusterSnapshot snapshot, PrometheusClient client, PrometheusSettings settings,
        string description, IReadOnlyList<string> namespaces, List<DatasourceProbe> probes, CancellationToken cancellation)
    {
        if (settings.RulesUrl is null)
        {
            var all = await client.RulesAsync(null, cancellation).ConfigureAwait(false);
            if (!all.Ok)
            {
                probes.Add(Failed(all.Call.ToProbe(DatasourceRole.Rules, client.DisplayUrl + "/api/v1/rules"), all.Error));
                return null;
            }

            return new RulesFact($"{description} /api/v1/rules", all.Groups);
        }

        using var rulesClient = new PrometheusClient(settings with { Url = settings.RulesUrl }, _settings.Timeout, _settings.MaxResponseBytes);
        var ruleNamespaces = namespaces.Concat(snapshot.PrometheusRules.Select(r => r.Metadata.Ns))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(20).ToList();
        var groups = new List<LoadedRuleGroup>();
        foreach (var ns in ruleNamespaces)
        {
            var result = await rulesClient.RulesAsync(ns, cancellation).ConfigureAwait(false);
            if (!result.Ok)
            {
                probes.Add(Failed(result.Call.ToProbe(DatasourceRole.Rules, rulesClient.DisplayUrl), result.Error));
                return null;
            }

            groups.AddRange(result.Groups);
        }

        probes.Add(new DatasourceProbe(DatasourceRole.Rules, rulesClient.DisplayUrl, ApiOutcome.Ok, "", ""));
        return new RulesFact($"Thanos Querier tenancy-rules {rulesClient.DisplayUrl} (namespace={string.Join(",", ruleNamespaces)})", groups);
    }

    private async Task<IReadOnlyList<DashboardQueryFact>> DashboardQueriesAsync(
        ClusterSnapshot snapshot, PrometheusClient client, bool tenancy, CancellationToken cancellation)
    {
        var facts = new List<DashboardQueryFact>();
        foreach (var dashboard in DashboardQueries.Find(snapshot))
        {
            foreach (var query in dashboard.Queries)
            {
                if (facts.Count >= _settings.MaxDashboardQueries)
                {
                    return facts;
                }

                var fact = new DashboardQueryFact(dashboard.Subject.Kind, dashboard.Subject.Namespace ?? "", dashboard.Subject.Name,
                    query.Panel, query.Expr, DashboardQueryOutcome.NotEvaluated, 0, "");
                var expr = DashboardQueryTemplating.Substitute(query.Expr);
                if (expr is null)
                {
                    facts.Add(fact with { Detail = "uses template variables the doctor cannot substitute" });
                    continue;
                }

                var result = await client.QueryAsync(expr, tenancy ? dashboard.Subject.Namespace : null, cancellation).ConfigureAwait(false);
                facts.Add(result.Ok
                    ? fact with { Expr = expr, Outcome = result.Samples.Count > 0 ? DashboardQueryOutcome.Series : DashboardQueryOutcome.Empty, SeriesCount = result.Samples.Count }
                    : fact with { Expr = expr, Outcome = DashboardQueryOutcome.Error, Detail = result.Error });
            }
        }

        return facts;
    }

    private async Task<(GrafanaFacts?, InputState)> CollectGrafanaAsync(ClusterSnapshot snapshot, List<DatasourceProbe> probes, CancellationToken cancellation)
    {
        if (_settings.Grafana?.Url is null)
        {
            return (null, InputState.NotCollected("no Grafana URL configured"));
        }

        using var client = new GrafanaClient(_settings.Grafana, _settings.Timeout, _settings.MaxResponseBytes);
        var health = await client.HealthAsync(cancellation).ConfigureAwait(false);
        var probe = health.ToProbe(DatasourceRole.Grafana, client.DisplayUrl);
        probes.Add(probe);
        if (!health.IsSuccess)
        {
            return (null, InputState.Unavailable($"Grafana {client.DisplayUrl}", $"{probe.Reason}: {probe.Detail}"));
        }

        var uids = snapshot.GrafanaDatasources.Select(d => d.Status.Uid ?? d.Spec.Uid ?? d.Spec.Datasource.Uid)
            .OfType<string>().Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var results = new List<GrafanaDatasourceHealth>();
        foreach (var uid in uids)
        {
            var (call, result) = await client.DatasourceHealthAsync(uid, cancellation).ConfigureAwait(false);
            if (call.Outcome == ApiOutcome.Unauthorized)
            {
                return (null, InputState.Denied($"Grafana {client.DisplayUrl}", $"datasource health of {uid}: {call.Detail}"));
            }

            if (result is null)
            {
                return (null, InputState.Unavailable($"Grafana {client.DisplayUrl}", $"{call.Reason}: {call.Detail}"));
            }

            results.Add(result);
        }

        return (new GrafanaFacts { Url = client.DisplayUrl, Healthy = true, Datasources = results }, InputState.Available($"Grafana {client.DisplayUrl}"));
    }

    private async Task<(AlertmanagerFacts?, InputState)> CollectAlertmanagerAsync(List<DatasourceProbe> probes, CancellationToken cancellation)
    {
        if (_settings.Alertmanager?.Url is null)
        {
            return (null, InputState.NotCollected("no Alertmanager URL configured"));
        }

        using var client = new AlertmanagerClient(_settings.Alertmanager, _settings.Timeout, _settings.MaxResponseBytes);
        var (call, facts) = await client.HeartbeatAsync(cancellation).ConfigureAwait(false);
        var probe = call.ToProbe(DatasourceRole.Alertmanager, client.DisplayUrl);
        probes.Add(facts is null && probe.IsOk ? probe with { Outcome = ApiOutcome.BadResponse } : probe);
        return facts is null
            ? (null, call.Outcome == ApiOutcome.Unauthorized
                ? InputState.Denied($"Alertmanager {client.DisplayUrl}", call.Detail)
                : InputState.Unavailable($"Alertmanager {client.DisplayUrl}", $"{call.Reason}: {call.Detail}"))
            : (facts, InputState.Available($"Alertmanager {client.DisplayUrl}"));
    }

    private static DatasourceProbe Failed(DatasourceProbe probe, string error) =>
        probe.IsOk ? probe with { Outcome = ApiOutcome.BadResponse, Reason = "rules API error", Detail = error } : probe;
}
