using System.Text;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Monitoring.Clients;
using LlmdDoctor.Monitoring.Collection;
using static LlmdDoctor.Monitoring.Tests.Fakes.TestCluster;

namespace LlmdDoctor.Monitoring.Tests.Collection;

public sealed class CollectorUnitTests
{
    [Theory]
    [InlineData("enableUserWorkload: true\n", true, "")]
    [InlineData("enableUserWorkload: false\nalertmanagerMain:\n  enabled: true\n", false, "")]
    [InlineData("alertmanagerMain:\n  enabled: true\n", null, "")]
    [InlineData("", null, "")]
    [InlineData("enableUserWorkload: yes please\n", null, "")]
    [InlineData("enableUserWorkload: [true\n", null, "not valid YAML")]
    [InlineData("- a\n- b\n", null, "not a YAML mapping")]
    public void Cluster_monitoring_config_is_parsed_with_yamldotnet(string yaml, bool? expected, string problem)
    {
        var fact = ClusterMonitoringConfigReader.Read(new ConfigMap { Data = new() { ["config.yaml"] = yaml } });
        Assert.True(fact.ConfigMapPresent);
        Assert.Equal(expected, fact.EnableUserWorkload);
        Assert.Contains(problem, fact.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_config_key_is_a_problem_and_missing_configmap_is_absent()
    {
        Assert.Contains("no config.yaml", ClusterMonitoringConfigReader.Read(new ConfigMap()).Problem, StringComparison.Ordinal);
        Assert.False(ClusterMonitoringConfigReader.Read(null).ConfigMapPresent);
    }

    [Theory]
    [InlineData("rate(kserve_vllm:prompt_tokens_total[$__rate_interval])", "rate(kserve_vllm:prompt_tokens_total[5m])")]
    [InlineData("vllm:num_requests_running{model_name=\"$model\", namespace=~\"${namespace}\"}", "vllm:num_requests_running{model_name=~\".*\", namespace=~\".*\"}")]
    [InlineData("topk($k, vllm:x)", null)]
    public void Dashboard_variables_are_substituted_or_the_query_is_left_out(string expr, string? expected) =>
        Assert.Equal(expected, DashboardQueryTemplating.Substitute(expr));

    [Fact]
    public void Query_answers_are_read_with_utf8jsonreader()
    {
        var (envelope, samples) = PrometheusJson.ReadQuery(Encoding.UTF8.GetBytes(
            """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1700000000.1,"0"]},{"metric":{},"value":[1,"NaN"]}]},"warnings":["x"]}"""));
        Assert.True(envelope.Success);
        Assert.Equal(2, samples.Count);
        Assert.Equal(("a", 0d), (samples[0].Label("job"), samples[0].Value));

        var (error, _) = PrometheusJson.ReadQuery(Encoding.UTF8.GetBytes("""{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"""));
        Assert.Equal("parse error at char 5", error.Error);
        Assert.False(PrometheusJson.ReadQuery(Encoding.UTF8.GetBytes("<html>")).Envelope.Success);

        var (_, scalar) = PrometheusJson.ReadQuery(Encoding.UTF8.GetBytes("""{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"""));
        Assert.Single(scalar);
    }

    [Fact]
    public void Rules_and_series_answers_are_read()
    {
        var (_, groups) = PrometheusJson.ReadRules(Encoding.UTF8.GetBytes(
            """{"status":"success","data":{"groups":[{"name":"g","file":"/etc/prometheus/rules/ns-r-uid.yaml","rules":[{"name":"A","query":"vector(1)","type":"alerting","alerts":[]}],"interval":30}]}}"""), "ns");
        var group = Assert.Single(groups);
        Assert.Equal(("g", "ns", "A"), (group.Name, group.Namespace, group.Rules[0]));

        var (_, series) = PrometheusJson.ReadSeries(Encoding.UTF8.GetBytes("""{"status":"success","data":[{"__name__":"up","job":"x"}]}"""));
        Assert.Equal("x", Assert.Single(series)["job"]);
    }

    [Fact]
    public void Discovery_prefers_configuration_then_openshift_then_prometheus_operator()
    {
        var openshift = Build(["""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"openshift-monitoring"}}"""]);
        var target = PrometheusDiscovery.Resolve(openshift, new PrometheusSettings())!;
        Assert.Equal(MonitoringPlatformKind.OpenShift, target.Kind);
        Assert.Equal("https://thanos-querier.openshift-monitoring.svc:9091/", target.Settings.Url!.ToString());
        Assert.Equal(PrometheusDiscovery.ServiceCaFile, target.Settings.CaFile);
        Assert.Equal(ApiCredential.ServiceAccountTokenFile, target.Settings.Credential.TokenFile);

        var kube = Build(["""{"apiVersion":"monitoring.coreos.com/v1","kind":"Prometheus","metadata":{"name":"kps","namespace":"llm-d-monitoring"},"spec":{}}"""]);
        Assert.Equal("http://prometheus-operated.llm-d-monitoring.svc:9090/", PrometheusDiscovery.Resolve(kube, new PrometheusSettings())!.Settings.Url!.ToString());

        var configured = PrometheusDiscovery.Resolve(openshift, new PrometheusSettings { Url = new Uri("http://prom:9090") })!;
        Assert.Equal(MonitoringPlatformKind.Configured, configured.Kind);
        Assert.Null(PrometheusDiscovery.Resolve(Build([]), new PrometheusSettings()));
    }

    [Fact]
    public void Credentials_never_show_their_value()
    {
        var credential = ApiCredential.Bearer("s3cr3t");
        Assert.DoesNotContain("s3cr3t", credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw", ApiCredential.Basic("admin", "pw").Describe(), StringComparison.Ordinal);
    }
}
