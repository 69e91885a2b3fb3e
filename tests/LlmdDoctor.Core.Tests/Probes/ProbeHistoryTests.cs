using LlmdDoctor.Core.Probes;
using static LlmdDoctor.Core.Tests.Probes.ProbeFixtures;

namespace LlmdDoctor.Core.Tests.Probes;

public class ProbeHistoryTests
{
    [Fact]
    public void Keeps_the_last_n_results_and_the_last_failures_after_recovery()
    {
        var history = ProbeHistory.Create(capacity: 3, failureCapacity: 2);
        var failing = Result(ProbeKind.Chat, 400, FlatFieldRequired);
        var passing = Result(ProbeKind.Chat, 200, Completion, PickerHeaders());

        history = history.Append([failing with { TraceId = "f1" }]).Append([failing with { TraceId = "f2" }]).Append([failing with { TraceId = "f3" }]);
        for (var i = 0; i < 5; i++)
        {
            history = history.Append([passing]);
        }

        var key = ProbeSeriesKey.Of(passing);
        Assert.Equal(3, history.Recent(key).Count);
        Assert.All(history.Recent(key), r => Assert.True(r.Success));
        Assert.Equal(["f2", "f3"], history.Failures(key).Select(r => r.TraceId));
        Assert.Equal("f3", history.LastFailure(key)!.TraceId);
    }

    [Fact]
    public void Past_probes_keep_what_the_report_shows_and_drop_transcripts_bodies_and_headers()
    {
        var failing = Result(ProbeKind.Chat, 400, FlatFieldRequired, PickerHeaders()) with { Transcript = "> POST /v1/chat/completions\n< 400", TraceId = "t1" };
        var history = ProbeHistory.Create().Append([failing]);

        var kept = Assert.Single(history.Failures(ProbeSeriesKey.Of(failing)));
        Assert.Equal((400, failing.Reason, failing.Detail, "t1", failing.Timings, failing.StartedAt, failing.BodyBytes),
            (kept.Status, kept.Reason, kept.Detail, kept.TraceId, kept.Timings, kept.StartedAt, kept.BodyBytes));
        Assert.Equal("", kept.Transcript);
        Assert.Equal("", kept.BodyExcerpt);
        Assert.Empty(kept.Headers);
        Assert.Same(kept, Assert.Single(history.Recent(ProbeSeriesKey.Of(failing))));
        Assert.NotEqual("", failing.Transcript);
    }

    [Fact]
    public void Series_are_per_gateway_model_and_kind_and_append_is_pure()
    {
        var empty = ProbeHistory.Empty;
        var next = empty.Append([
            Result(ProbeKind.Models, 200, ModelList),
            Result(ProbeKind.Chat, 200, Completion),
            Result(ProbeKind.Chat, 200, Completion, gateway: "openshift-ingress/openshift-ai-inference"),
            Result(ProbeKind.Chat, 0, reason: ProbeFailureReason.NotRun),
        ]);

        Assert.Empty(empty.Keys);
        Assert.Equal(3, next.Keys.Count());
        Assert.Empty(next.Failures(new ProbeSeriesKey("openshift-ingress/maas-gateway", Prefix, ProbeKind.Chat)));
    }
}
