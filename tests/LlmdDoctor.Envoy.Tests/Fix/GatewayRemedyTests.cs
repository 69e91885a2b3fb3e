using System.Text;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Envoy;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Envoy.Fix;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Envoy.Tests.Fix;

/// <summary><c>fix --gateway</c>: which remedy each finding gets, and manifests that parse back to exactly the objects intended.</summary>
public sealed class GatewayRemedyTests
{
    private const string Epp = "outbound|9002||qwen3-0-6b-epp-service.my-first-model.svc.cluster.local";

    private static Gateway Gw(string ns = "openshift-ingress", string name = "maas-gateway") =>
        new() { Metadata = new ObjectMeta { Namespace = ns, Name = name } };

    private static Finding Unreachable(Gateway gw, string cluster = Epp) =>
        FindingCatalog.EndpointPickerUnreachableFromGateway.At(Subject.Gateway(gw.Metadata.Ns, gw.Metadata.Name),
            ("gateway", gw.Metadata.Key), ("cluster", cluster), ("detail", "ssl.fail_verify_error=57"));

    private static Finding BodyLoss(Gateway gw, string cluster = Epp) =>
        FindingCatalog.ExtProcBodyLossRisk.At(Subject.Gateway(gw.Metadata.Ns, gw.Metadata.Name),
            ("gateway", gw.Metadata.Key), ("route", "r.0"), ("mode", "FULL_DUPLEX_STREAMED"), ("envoyVersion", "1.34.1"), ("eppCluster", cluster));

    private static Finding Stalls(Gateway gw) =>
        FindingCatalog.BufferedOverrideStallsPicker.At(Subject.Gateway(gw.Metadata.Ns, gw.Metadata.Name),
            ("gateway", gw.Metadata.Key), ("route", "r.0"), ("eppVersion", "v1.0.0"), ("messageTimeout", "1000s"));

    private static DoctorInputs NoInputs => new();

    public static TheoryData<string, Func<Gateway, Finding[]>, string[], string[]> Rows() => new()
    {
        { "no finding: nothing to apply", _ => [], [], [] },
        { "a finding on another gateway is not this one's", _ => [Unreachable(Gw(name: "other"))], [], [] },
        { "EPP unreachable: the trust fix", gw => [Unreachable(gw)], ["LLMD0204"], ["DestinationRule"] },
        { "body loss with the EPP failing: trust fix and fail-closed", gw => [Unreachable(gw), BodyLoss(gw)], ["LLMD0204", "LLMD0301"], ["DestinationRule", "EnvoyFilter"] },
        { "body loss, EPP fine: only the stop-gap", gw => [BodyLoss(gw)], ["LLMD0301"], ["EnvoyFilter"] },
        { "BUFFERED stalls the picker: a delete, no manifest", gw => [Stalls(gw)], ["LLMD0306"], [] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Remedy_matches_the_findings(string name, Func<Gateway, Finding[]> findings, string[] codes, string[] kinds)
    {
        var gw = Gw();
        var remedy = GatewayRemedy.For(gw, findings(gw), NoInputs);
        Assert.True(codes.SequenceEqual(remedy.Steps.SelectMany(s => s.Codes)), $"{name}: {string.Join(",", remedy.Steps.SelectMany(s => s.Codes))}");
        var text = remedy.Render();
        Assert.Equal(kinds, Documents(text).Select(d => ((YamlScalarNode)d["kind"]).Value!));
        Assert.DoesNotContain("BUFFERED\"", text, StringComparison.Ordinal);
        if (codes.Length == 0)
        {
            Assert.Contains("nothing to apply", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Trust_fix_is_the_destination_rule_llm_d_ships_in_the_gateway_namespace()
    {
        var gw = Gw();
        var dr = Documents(GatewayRemedy.For(gw, [Unreachable(gw)], NoInputs).Render()).Single();
        Assert.Equal("networking.istio.io/v1", Scalar(dr, "apiVersion"));
        Assert.Equal("openshift-ingress", Scalar(dr, "metadata", "namespace"));
        Assert.Equal("qwen3-0-6b-epp-service.my-first-model.svc.cluster.local", Scalar(dr, "spec", "host"));
        Assert.Equal("SIMPLE", Scalar(dr, "spec", "trafficPolicy", "tls", "mode"));
        Assert.Equal("true", Scalar(dr, "spec", "trafficPolicy", "tls", "insecureSkipVerify"));
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)Node(dr, "spec", "trafficPolicy", "tls", "insecureSkipVerify")).Style);
        Assert.Equal(["."], ((YamlSequenceNode)Node(dr, "spec", "exportTo")).Select(n => ((YamlScalarNode)n).Value));
    }

    [Fact]
    public void Trust_fix_keeps_the_cluster_domain_istio_used()
    {
        var gw = Gw();
        var dr = Documents(GatewayRemedy.For(gw, [Unreachable(gw, "outbound|9002||epp.models.svc.corp.example")], NoInputs).Render()).Single();
        Assert.Equal("epp.models.svc.corp.example", Scalar(dr, "spec", "host"));
    }

    [Fact]
    public void Stop_gap_replaces_the_whole_filter_because_merge_cannot_set_false()
    {
        var gw = Gw();
        var filter = Documents(GatewayRemedy.For(gw, [BodyLoss(gw)], NoInputs).Render()).Single();
        var patch = (YamlMappingNode)((YamlSequenceNode)Node(filter, "spec", "configPatches"))[0];
        Assert.Equal("HTTP_FILTER", Scalar(patch, "applyTo"));
        Assert.Equal("REPLACE", Scalar(patch, "patch", "operation"));
        Assert.Equal("envoy.filters.http.ext_proc", Scalar(patch, "match", "listener", "filterChain", "filter", "subFilter", "name"));
        Assert.Equal("false", Scalar(patch, "patch", "value", "typed_config", "failure_mode_allow"));
        Assert.Equal("1000s", Scalar(patch, "patch", "value", "typed_config", "message_timeout"));
        Assert.Equal("maas-gateway", Scalar(filter, "spec", "workloadSelector", "labels", ClusterSnapshot.GatewayNameLabel));
    }

    [Fact]
    public void Stop_gap_is_the_pool_failure_mode_where_istio_and_envoy_honour_it()
    {
        var gw = Gw();
        var mode = new ProcessingMode(HeaderSendMode.Send, HeaderSendMode.Send, BodySendMode.FullDuplexStreamed, BodySendMode.FullDuplexStreamed, HeaderSendMode.Default, HeaderSendMode.Default);
        var pod = new GatewayEnvoyData(gw.Metadata.Ns, gw.Metadata.Name, "pod")
        {
            EnvoyVersion = new ComponentVersion(1, 35, 3),
            Routes = [new EnvoyRoute("http.80", "*:80", "r.0", "prefix:/", "outbound|54321||pool", new ExtProcPerRoute(false, mode, Epp, true))],
        };
        var remedy = GatewayRemedy.For(gw, [BodyLoss(gw)], new DoctorInputs { Envoy = [pod] });
        var step = Assert.Single(remedy.Steps);
        Assert.Null(step.Manifest);
        Assert.Contains(step.Comments, c => c.Contains("failureMode FailClose", StringComparison.Ordinal));
    }

    /// <summary>Names a hostile namespace owner could give its objects.</summary>
    public static TheoryData<string> HostileNames() => new()
    {
        "evil\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding",
        "a: b",
        "#not-a-comment",
        "q\"uo'te\\",
        "next\u0085line\u2028sep\u2029para",
        "\u001b[31mred\u001b[0m\u0007",
        "- item",
        "{ flow: map }",
        "*alias &anchor !tag",
        "x...y",
        "ünïcødé-名前",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Manifests_parse_back_to_exactly_the_objects_intended(string hostile)
    {
        var gw = Gw(ns: hostile, name: hostile);
        var cluster = $"outbound|9002||{hostile.Replace(".", "", StringComparison.Ordinal).Replace("|", "", StringComparison.Ordinal)}.{hostile.Replace(".", "", StringComparison.Ordinal)}.svc.cluster.local";
        var buffered = new EnvoyFilter { Metadata = new ObjectMeta { Namespace = hostile, Name = hostile } };
        var findings = new[] { Unreachable(gw, cluster), BodyLoss(gw, cluster), Stalls(gw) };
        var remedy = GatewayRemedy.For(gw, findings, new DoctorInputs { Cluster = new ClusterSnapshot { EnvoyFilters = [buffered] } });
        var intended = remedy.Steps.Where(s => s.Manifest is not null).Select(s => Canonical(s.Manifest!)).ToList();
        Assert.Equal(2, intended.Count);

        var text = remedy.Render();
        Assert.Equal(intended, Documents(text).Select(Canonical));
        Assert.Contains(hostile, Documents(text).Select(d => Scalar(d, "metadata", "namespace")));

        // Nothing the cluster supplied may break a line, end a comment or reach the terminal raw.
        Assert.DoesNotContain(text, c => c is '\r' or '\u0085' or '\u2028' or '\u2029' or '\u001b' or '\u0007');
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            Assert.True(line.StartsWith('#') || line == "---" || line.StartsWith(' ') || line.StartsWith('-') || char.IsAsciiLetter(line[0]),
                $"unexpected line start: {line}");
        }
    }

    [Fact]
    public void Quote_keeps_names_and_escapes_everything_else()
    {
        Assert.Equal("maas-gateway", Manifests.Quote("maas-gateway"));
        Assert.Equal("\"a\\u000a---\"", Manifests.Quote("a\n---"));
        Assert.Equal("\"x\\u0024(id)\\u0060\"", Manifests.Quote("x$(id)`"));
        Assert.Equal("\"\\u2028\"", Manifests.Quote("\u2028"));
    }

    private static List<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode Node(YamlMappingNode map, params string[] path)
    {
        YamlNode node = map;
        foreach (var key in path)
        {
            node = ((YamlMappingNode)node)[new YamlScalarNode(key)];
        }

        return node;
    }

    private static string Scalar(YamlMappingNode map, params string[] path) => ((YamlScalarNode)Node(map, path)).Value!;

    /// <summary>A node tree as text that tells apart every key, value and structure (and whether a scalar was quoted).</summary>
    private static string Canonical(YamlNode node)
    {
        var b = new StringBuilder();
        Write(node);
        return b.ToString();

        void Write(YamlNode n)
        {
            switch (n)
            {
                case YamlScalarNode s:
                    b.Append(s.Style == YamlDotNet.Core.ScalarStyle.Plain ? "plain:" : "str:").Append(System.Text.Json.JsonSerializer.Serialize(s.Value));
                    break;
                case YamlSequenceNode seq:
                    b.Append('[');
                    foreach (var item in seq)
                    {
                        Write(item);
                        b.Append(',');
                    }

                    b.Append(']');
                    break;
                case YamlMappingNode map:
                    b.Append('{');
                    foreach (var (k, v) in map)
                    {
                        b.Append(System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)k).Value)).Append('=');
                        Write(v);
                        b.Append(',');
                    }

                    b.Append('}');
                    break;
            }
        }
    }
}
