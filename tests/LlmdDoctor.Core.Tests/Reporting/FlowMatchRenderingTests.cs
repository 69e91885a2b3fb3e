using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Core.Tests.Reporting;

/// <summary>The text tree shows each flow's match conditions besides the path; cluster-supplied values never carry terminal codes.</summary>
public sealed class FlowMatchRenderingTests
{
    private static Report WithFlows(params ReportFlow[] flows)
    {
        var report = ReportSamples.Build();
        report.Flows = [.. flows];
        return report;
    }

    [Fact]
    public void Header_routed_flows_show_their_header_and_exact_path()
    {
        var text = TextReportRenderer.Render(WithFlows(
            new ReportFlow { Gateway = "openshift-ingress/gw", Path = "/v1/chat/completions", PathType = "Exact", Headers = ["X-Gateway-Model-Name=publishers/llm/models/org/b"], Backend = "InferencePool llm/b-inference-pool" },
            new ReportFlow { Gateway = "openshift-ingress/gw", Path = "/", PathType = "PathPrefix", Headers = ["X-Gateway-Model-Name=publishers/llm/models/org/b"], Backend = "Service llm/b-kserve-workload-svc:8000" },
            new ReportFlow { Gateway = "openshift-ingress/gw", Path = "/llm/b", PathType = "PathPrefix", Method = "GET", QueryParams = ["v=1"], Backend = "Service llm/b-kserve-workload-svc:8000" }));
        Assert.Contains("├─ /v1/chat/completions (Exact) [header X-Gateway-Model-Name=publishers/llm/models/org/b] → InferencePool llm/b-inference-pool", text, StringComparison.Ordinal);
        Assert.Contains("├─ / [header X-Gateway-Model-Name=publishers/llm/models/org/b] → Service", text, StringComparison.Ordinal);
        Assert.Contains("└─ /llm/b [query v=1] [GET] → Service", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_only_flow_renders_as_before_and_hostile_values_show_their_control_characters_visibly()
    {
        var plain = TextReportRenderer.Render(WithFlows(new ReportFlow { Gateway = "g/w", Path = "/a", PathType = "PathPrefix", Backend = "Service a/b" }));
        Assert.Contains("└─ /a → Service a/b", plain, StringComparison.Ordinal);

        var hostile = TextReportRenderer.Render(WithFlows(new ReportFlow
        {
            Gateway = "g/w", Path = "/a\u001b[2J", PathType = "PathPrefix", Headers = ["x=\u001b]8;;http://evil\u0007y\r\nz"], Method = "G\u001bET", Backend = "Service a/b",
        }));
        var line = hostile.Split('\n').Single(l => l.Contains("└─", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\u0007', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains(@"[header x=\x1b]8;;http://evil\x07y\r\nz]", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Flow_match_description_is_bounded_and_printable()
    {
        var match = FlowMatch.Of(new HttpRouteMatch
        {
            Path = new HttpPathMatch { Type = "Exact", Value = "/v1/x" },
            Headers = [new HttpHeaderMatch { Name = "b", Value = new string('v', 500) + "\n" }, new HttpHeaderMatch { Type = "RegularExpression", Name = "A", Value = "x.*" }],
            Method = "POST",
        });
        var text = match.Describe();
        Assert.StartsWith("Exact /v1/x header A~x.* header b=vvv", text, StringComparison.Ordinal);
        Assert.EndsWith("method POST", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        Assert.True(text.Length < 500, text);
        Assert.Null(FlowMatch.Of(new HttpRouteMatch { Headers = [new HttpHeaderMatch { Name = "X-Gateway-Model-Name", Value = "publishers/ns/models/m" }] }).UnprobeableReason());
    }
}
