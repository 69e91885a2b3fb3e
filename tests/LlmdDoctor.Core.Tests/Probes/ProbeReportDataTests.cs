using LlmdDoctor.Core.Probes;
using static LlmdDoctor.Core.Tests.Probes.ProbeFixtures;

namespace LlmdDoctor.Core.Tests.Probes;

public class ProbeReportDataTests
{
    [Fact]
    public void Flow_probes_list_the_probes_whose_path_the_rule_matched()
    {
        var results = new ProbeResults
        {
            Results = [Result(ProbeKind.Models, 200, ModelList, ms: 12), Result(ProbeKind.Chat, 400, FlatFieldRequired, ms: 41)],
        };

        var chatRule = results.ForFlow("openshift-ingress/maas-gateway", "my-first-model/qwen3-0-6b-kserve-route", 1);
        var catchAll = results.ForFlow("openshift-ingress/maas-gateway", "my-first-model/qwen3-0-6b-kserve-route", 2);

        Assert.Equal([new FlowProbeSummary("chat", 400, 41)], chatRule);
        Assert.Equal([new FlowProbeSummary("models", 200, 12)], catchAll);
    }

    [Fact]
    public void Metric_samples_carry_bounded_labels_every_phase_and_skip_probes_not_run()
    {
        var results = new ProbeResults
        {
            Results = [Result(ProbeKind.Chat, 400, FlatFieldRequired), Result(ProbeKind.Completions, 0, reason: ProbeFailureReason.NotRun)],
        };

        var sample = Assert.Single(results.MetricSamples());

        Assert.Equal(("openshift-ingress", "maas-gateway", "my-first-model", "qwen3-0-6b-kserve-route", Model, "chat"),
            (sample.GatewayNamespace, sample.Gateway, sample.Namespace, sample.Route, sample.Model, sample.Probe));
        Assert.Equal(0, sample.Success);
        Assert.Equal(400, sample.HttpStatusCode);
        Assert.Equal(["resolve", "connect", "tls", "processing", "transfer", "total"], sample.DurationSeconds.Select(p => p.Phase));
    }

    [Fact]
    public void Probe_label_values_match_the_metrics_contract()
    {
        Assert.Equal(["models", "chat", "completions", "direct"], Enum.GetValues<ProbeKind>().Select(k => k.ToLabel()));
        Assert.True(ProbeKindNames.TryParse("direct", out var kind) && kind == ProbeKind.Direct);
    }
}
