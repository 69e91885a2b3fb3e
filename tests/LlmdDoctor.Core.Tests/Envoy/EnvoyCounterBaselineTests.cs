using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Core.Tests.Envoy;

public sealed class EnvoyCounterBaselineTests
{
    private const string Epp = "outbound|9002||epp.ns.svc.cluster.local";

    private static GatewayEnvoyData Pod(string pod, long? failures) => new("openshift-ingress", "gw", pod)
    {
        UpstreamStats = failures is { } n
            ? new Dictionary<string, UpstreamClusterStats>(StringComparer.Ordinal) { [Epp] = new(Epp) { ConnectionsTotal = n, ConnectFailures = n } }
            : null,
    };

    private static UpstreamClusterStats Stats(IReadOnlyList<GatewayEnvoyData> pods, string pod) => pods.Single(p => p.PodName == pod).UpstreamStats![Epp];

    [Fact]
    public void Each_pod_gets_its_own_counters_of_the_previous_collection_as_baseline()
    {
        var baseline = new EnvoyCounterBaseline();

        var first = baseline.Attach([Pod("a", 5), Pod("b", 0)]);
        Assert.Null(Stats(first, "a").Baseline);
        Assert.True(Stats(first, "a").HasRecentFailures);

        var second = baseline.Attach([Pod("a", 5), Pod("b", 2)]);
        Assert.Equal(5, Stats(second, "a").Baseline!.ConnectFailures);
        Assert.False(Stats(second, "a").HasRecentFailures);
        Assert.True(Stats(second, "a").HasFailures);
        Assert.Equal(2, Stats(second, "b").Recent().ConnectFailures);
        Assert.Null(Stats(second, "b").Recent().Baseline);
    }

    [Fact]
    public void Unreadable_stats_keep_the_older_baseline_and_a_pod_gone_is_forgotten()
    {
        var baseline = new EnvoyCounterBaseline();
        baseline.Attach([Pod("a", 5), Pod("b", 1)]);

        var unread = baseline.Attach([Pod("a", null)]);
        Assert.Null(Assert.Single(unread).UpstreamStats);

        var back = baseline.Attach([Pod("a", 7), Pod("b", 1)]);
        Assert.Equal(5, Stats(back, "a").Baseline!.ConnectFailures);
        Assert.Equal(2, Stats(back, "a").Recent().ConnectFailures);
        Assert.Null(Stats(back, "b").Baseline);
        Assert.Null(Stats(back, "a").Baseline!.Baseline);
    }
}
