using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Core.Tests.Envoy;

/// <summary>The effective ext_proc mode of a route: filter + per-route override, with fail-open as each Envoy version applies it.</summary>
public sealed class EffectiveExtProcModeTests
{
    private const string Epp = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    private static readonly ExtProcFilter IstioFilter = GatewayEnvoyData.IstioInferencePoolFilter;

    private static readonly ProcessingMode FullDuplex = new(HeaderSendMode.Send, HeaderSendMode.Send, BodySendMode.FullDuplexStreamed, BodySendMode.FullDuplexStreamed, HeaderSendMode.Default, HeaderSendMode.Default);

    private static ExtProcPerRoute Override(bool? failureModeAllow, ProcessingMode? mode = null) => new(false, mode ?? FullDuplex, Epp, failureModeAllow);

    public static TheoryData<string, ExtProcFilter?, ExtProcPerRoute?, string?, bool, string, bool, string?> Rows => new()
    {
        // name, filter, per-route, envoy version, active, body mode, fail-open, epp cluster
        { "no filter in the chain: the override is inert", null, Override(true), "1.34.1", false, "NONE", false, null },
        { "Istio base filter alone: headers skipped, no body, placeholder cluster hidden", IstioFilter, null, "1.34.1", true, "NONE", true, null },
        { "OSSM 1.26.2 / Envoy 1.34: override without the field, filter fail-open", IstioFilter, Override(null), "1.34.1", true, "FULL_DUPLEX_STREAMED", true, Epp },
        { "Envoy 1.34 ignores a per-route FailClose", IstioFilter, Override(false), "1.34.1", true, "FULL_DUPLEX_STREAMED", true, Epp },
        { "Envoy 1.35 honours a per-route FailClose", IstioFilter, Override(false), "1.35.3", true, "FULL_DUPLEX_STREAMED", false, Epp },
        { "Envoy 1.35 with a per-route FailOpen", IstioFilter, Override(true), "1.35.0", true, "FULL_DUPLEX_STREAMED", true, Epp },
        { "unknown version: the per-route value is assumed", IstioFilter, Override(false), null, true, "FULL_DUPLEX_STREAMED", false, Epp },
        { "BUFFERED workaround", IstioFilter, Override(null, FullDuplex with { RequestBody = BodySendMode.Buffered, ResponseBody = BodySendMode.Buffered }), "1.34.1", true, "BUFFERED", true, Epp },
        { "override without processing_mode keeps the filter's", IstioFilter, new ExtProcPerRoute(false, null, Epp, null), "1.34.1", true, "NONE", true, Epp },
        { "disabled on the route", IstioFilter, new ExtProcPerRoute(true, null, null, null), "1.34.1", false, "NONE", false, null },
        { "filter with its own cluster and fail-close", IstioFilter with { ClusterName = "epp", FailureModeAllow = false, ProcessingMode = FullDuplex }, null, "1.36.0", true, "FULL_DUPLEX_STREAMED", false, "epp" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Combines_filter_and_route_as_that_Envoy_does(string name, ExtProcFilter? filter, ExtProcPerRoute? perRoute, string? envoy, bool active, string body, bool failOpen, string? cluster)
    {
        var mode = EffectiveExtProcMode.Of(filter, perRoute, IstioEnvoyVersions.Parse(envoy));
        Assert.True((active, body, failOpen, cluster) == (mode.Active, mode.EffectiveBodyMode, mode.FailOpen, mode.EndpointPickerCluster), $"{name}: {mode}");
    }

    [Fact]
    public void Fail_open_basis_says_why()
    {
        Assert.Contains("ignores the route's failure_mode_allow=false, envoy #40014",
            EffectiveExtProcMode.Of(IstioFilter, Override(false), new ComponentVersion(1, 34, 1)).FailOpenBasis, StringComparison.Ordinal);
        Assert.Contains("Envoy version unknown", EffectiveExtProcMode.Of(IstioFilter, Override(false), null).FailOpenBasis, StringComparison.Ordinal);
    }

    public static TheoryData<string?, BodySendMode> BodyModes => new()
    {
        { null, BodySendMode.None }, { "", BodySendMode.None }, { "FULL_DUPLEX_STREAMED", BodySendMode.FullDuplexStreamed },
        { "buffered", BodySendMode.Buffered }, { "4", BodySendMode.FullDuplexStreamed }, { "5", BodySendMode.Grpc }, { "FUTURE_MODE", BodySendMode.Unknown },
    };

    [Theory]
    [MemberData(nameof(BodyModes))]
    public void Body_modes_parse_names_and_numbers(string? text, BodySendMode mode) => Assert.Equal(mode, SendModeNames.ParseBody(text));

    [Theory]
    [InlineData("1.26.2-redhat", "1.34.0")]
    [InlineData("v1.27.9", "1.35.0")]
    [InlineData("1.28.1", "1.36.0")]
    [InlineData("1.25.0", null)]
    [InlineData("garbage", null)]
    public void Istio_release_lines_map_to_their_Envoy(string istio, string? envoy) =>
        Assert.Equal(envoy, IstioEnvoyVersions.EnvoyOf(IstioEnvoyVersions.Parse(istio))?.ToString());

    [Theory]
    [InlineData("1.34.1", true, true)]
    [InlineData("1.35.13", true, true)]
    [InlineData("1.36.0", true, false)]
    [InlineData(null, true, true)]
    [InlineData("1.34.1", false, false)]
    public void Known_body_loss_issue_matches_version_and_config(string? envoy, bool failOpen, bool matches)
    {
        var issue = KnownExtProcIssues.FullDuplexFailOpenBodyLoss;
        var mode = EffectiveExtProcMode.Of(IstioFilter with { FailureModeAllow = failOpen }, Override(null), IstioEnvoyVersions.Parse(envoy));
        Assert.Equal(matches, issue.MatchesConfig(mode) && issue.AffectsEnvoy(IstioEnvoyVersions.Parse(envoy)));
        Assert.All(issue.Sources, s => Assert.StartsWith("https://github.com/", s, StringComparison.Ordinal));
    }
}
