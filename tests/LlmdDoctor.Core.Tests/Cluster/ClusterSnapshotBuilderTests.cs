using System.Text.Json.Nodes;
using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

public sealed class ClusterSnapshotBuilderTests
{
    private static ClusterSnapshot Build(params string[] json)
    {
        var builder = new ClusterSnapshotBuilder();
        foreach (var j in json)
        {
            builder.Add(JsonNode.Parse(j), "test.json");
        }

        return builder.Build();
    }

    [Fact]
    public void Lists_are_expanded_and_typed_lists_give_their_items_a_kind()
    {
        var snapshot = Build(
            """{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","namespace":"n"}}]}""",
            """{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"p","namespace":"n"}}]}""");
        Assert.Single(snapshot.Services);
        Assert.Equal("p", Assert.Single(snapshot.Pods).Metadata.Name);
    }

    [Fact]
    public void Absent_sections_read_as_empty_never_null()
    {
        var snapshot = Build("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"g","namespace":"n","labels":null}}""");
        var gateway = Assert.Single(snapshot.Gateways);
        Assert.Empty(gateway.Status.Conditions);
        Assert.Empty(gateway.Spec.Listeners);
        Assert.Empty(gateway.Metadata.Labels);
    }

    [Fact]
    public void Secret_data_never_enters_the_snapshot()
    {
        var node = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/service-account-token","metadata":{"name":"s","namespace":"n"},"data":{"token":"c2VjcmV0LXRva2Vu"},"stringData":{"x":"secret-token"}}""");
        var builder = new ClusterSnapshotBuilder();
        builder.Add(node, "s.yaml");
        var secret = Assert.Single(builder.Build().Secrets);
        Assert.Equal("kubernetes.io/service-account-token", secret.Type);
        Assert.DoesNotContain("c2VjcmV0", node!.ToJsonString());
        Assert.DoesNotContain("secret-token", node.ToJsonString());
    }

    [Fact]
    public void Unquoted_numbers_and_booleans_in_label_maps_are_read_as_strings()
    {
        var snapshot = Build("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","labels":{"version":1,"canary":true}}}""");
        Assert.Equal("1", snapshot.Pods[0].Metadata.Labels["version"]);
        Assert.Equal("true", snapshot.Pods[0].Metadata.Labels["canary"]);
    }

    [Fact]
    public void An_object_of_the_wrong_shape_is_left_out_and_named()
    {
        var snapshot = Build(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"bad","namespace":"n"},"spec":{"ports":"not-a-list"}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"good","namespace":"n"}}""");
        Assert.Equal("good", Assert.Single(snapshot.Services).Metadata.Name);
        var problem = Assert.Single(snapshot.Problems);
        Assert.Contains("test.json: Service n/bad", problem);
    }

    [Fact]
    public void Both_pool_groups_normalise_with_their_own_status_keys()
    {
        var snapshot = Build(
            """{"apiVersion":"inference.networking.x-k8s.io/v1alpha2","kind":"InferencePool","metadata":{"name":"p","namespace":"n"},"spec":{"selector":{"a":"b"},"targetPortNumber":8000,"extensionRef":{"name":"epp"}},"status":{"parent":[{"parentRef":{"name":"gw"},"conditions":[{"type":"Accepted","status":"True"}]}]}}""",
            """{"apiVersion":"inference.networking.k8s.io/v1","kind":"InferencePool","metadata":{"name":"p","namespace":"n"},"spec":{"selector":{"matchLabels":{"a":"b"}},"targetPorts":[{"number":8000}],"endpointPickerRef":{"name":"epp","port":{"number":9002},"failureMode":"FailOpen"}},"status":{"parents":[{"parentRef":{"name":"gw"},"conditions":[{"type":"Accepted","status":"False"}]}]}}""");
        var alpha = snapshot.InferencePools.Single(p => p.ApiGroup == InferencePool.GroupV1Alpha2);
        var v1 = snapshot.InferencePools.Single(p => p.ApiGroup == InferencePool.GroupV1);
        Assert.Equal((9002, "FailClose", 8000), (alpha.PickerPort, alpha.FailureMode, alpha.TargetPorts[0]));
        Assert.Equal((9002, "FailOpen", "v1"), (v1.PickerPort, v1.FailureMode, v1.ApiVersion));
        Assert.True(alpha.Parents[0].Conditions[0].IsTrue);
        Assert.True(v1.Parents[0].Conditions[0].IsFalse);
        Assert.True(alpha.Selector.Matches(new Dictionary<string, string> { ["a"] = "b" }));
    }

    [Fact]
    public void Unknown_kinds_are_ignored_and_a_single_copy_reports_nothing()
    {
        var snapshot = Build(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"a","namespace":"n","resourceVersion":"5"}}""",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"b","namespace":"n"}}""",
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}""",
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}""");
        Assert.Equal(["a", "b"], snapshot.Services.Select(s => s.Metadata.Name));
        Assert.Empty(snapshot.Problems);
    }

    [Theory]
    [InlineData("neither ranks: the first stays", """{}""", "", """{}""", "", "first", "second.json", "the first copy read is kept")]
    [InlineData("later has status", """{}""", "", """{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}""", "", "second", "first.json", "the other copy has status")]
    [InlineData("earlier has status", """{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}""", "", """{}""", "", "first", "second.json", "the other copy has status")]
    [InlineData("status beats a newer resourceVersion", """{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}""", "\"resourceVersion\":\"9\",", """{}""", "\"resourceVersion\":\"99\",", "first", "second.json", "the other copy has status")]
    [InlineData("later resourceVersion numerically newer", """{}""", "\"resourceVersion\":\"9\",", """{}""", "\"resourceVersion\":\"10\",", "second", "first.json", "the other copy has a newer resourceVersion")]
    [InlineData("earlier resourceVersion newer", """{}""", "\"resourceVersion\":\"10\",", """{}""", "\"resourceVersion\":\"9\",", "first", "second.json", "the other copy has a newer resourceVersion")]
    [InlineData("unparsable resourceVersion: the first stays", """{}""", "\"resourceVersion\":\"abc\",", """{}""", "\"resourceVersion\":\"10\",", "first", "second.json", "the first copy read is kept")]
    public void Of_an_object_present_twice_one_copy_wins_and_the_other_is_named(
        string row, string status1, string rv1, string status2, string rv2, string kept, string ignoredOrigin, string reason)
    {
        var builder = new ClusterSnapshotBuilder();
        builder.Add(JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Service","metadata":{{{{rv1}}}"name":"a","namespace":"n","labels":{"copy":"first"}},"status":{{{status1}}}}"""), "first.json");
        builder.Add(JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Service","metadata":{{{{rv2}}}"name":"a","namespace":"n","labels":{"copy":"second"}},"status":{{{status2}}}}"""), "second.json");
        var snapshot = builder.Build();

        Assert.True(kept == Assert.Single(snapshot.Services).Metadata.Labels["copy"], row);
        Assert.Equal(1, builder.Count);
        var other = ignoredOrigin == "first.json" ? "second.json" : "first.json";
        Assert.Equal($"{ignoredOrigin}: Service n/a: duplicate of {other}, ignored ({reason})", Assert.Single(snapshot.Problems));
    }

    [Fact]
    public void A_duplicated_pool_keeps_only_the_winning_copy()
    {
        const string Pool = """{"apiVersion":"inference.networking.k8s.io/v1","kind":"InferencePool","metadata":{"name":"p","namespace":"n","resourceVersion":"RV"},"spec":{"selector":{"matchLabels":{"a":"b"}},"targetPorts":[{"number":PORT}],"endpointPickerRef":{"name":"epp"}}}""";
        var snapshot = Build(Pool.Replace("RV", "3").Replace("PORT", "8000"), Pool.Replace("RV", "4").Replace("PORT", "8200"));
        Assert.Equal([8200], Assert.Single(snapshot.InferencePools).TargetPorts);
        Assert.Contains("newer resourceVersion", Assert.Single(snapshot.Problems));
    }

    [Theory]
    [InlineData("matchExpressions In", """{"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}""", true)]
    [InlineData("matchExpressions NotIn", """{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["a"]}]}""", false)]
    [InlineData("Exists", """{"matchExpressions":[{"key":"tier","operator":"Exists"}]}""", true)]
    [InlineData("DoesNotExist", """{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}""", false)]
    [InlineData("empty selects all", """{}""", true)]
    [InlineData("label mismatch", """{"matchLabels":{"tier":"b"}}""", false)]
    public void Label_selectors_follow_kubernetes_semantics(string row, string selector, bool matches)
    {
        var snapshot = Build("""{"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"m","namespace":"n"},"spec":{"selector":""" + selector + "}}");
        Assert.True(matches == snapshot.ServiceMonitors[0].Spec.Selector.Matches(new Dictionary<string, string> { ["tier"] = "a" }), row);
    }

    [Theory]
    [InlineData("Service without namespace lands in default", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}""", "default")]
    [InlineData("empty namespace lands in default", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","namespace":""}}""", "default")]
    [InlineData("HTTPRoute without namespace lands in default", """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"x"}}""", "default")]
    [InlineData("pool without namespace lands in default", """{"apiVersion":"inference.networking.k8s.io/v1","kind":"InferencePool","metadata":{"name":"x"},"spec":{"selector":{"matchLabels":{"a":"b"}},"targetPorts":[{"number":8000}],"endpointPickerRef":{"name":"epp"}}}""", "default")]
    [InlineData("an explicit namespace is kept", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","namespace":"models"}}""", "models")]
    [InlineData("Namespace is cluster-scoped", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}""", "")]
    [InlineData("GatewayClass is cluster-scoped", """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"x"},"spec":{"controllerName":"istio.io/gateway-controller"}}""", "")]
    [InlineData("sail Istio is cluster-scoped", """{"apiVersion":"sailoperator.io/v1","kind":"Istio","metadata":{"name":"x"},"spec":{"version":"v1.27.0"}}""", "")]
    public void Namespaced_objects_without_a_namespace_are_in_the_default_namespace(string row, string json, string expected)
    {
        var snapshot = Build(json);
        Assert.Empty(snapshot.Problems);
        var meta = snapshot.Services.Select(o => o.Metadata)
            .Concat(snapshot.HttpRoutes.Select(o => o.Metadata))
            .Concat(snapshot.InferencePools.Select(o => o.Metadata))
            .Concat(snapshot.Namespaces.Select(o => o.Metadata))
            .Concat(snapshot.GatewayClasses.Select(o => o.Metadata))
            .Concat(snapshot.IstioControlPlanes.Select(o => o.Metadata))
            .Single();
        Assert.True(expected == meta.Ns, $"{row}: expected namespace '{expected}', got '{meta.Ns}'");
    }

    [Fact]
    public void A_route_and_its_service_applied_without_namespace_find_each_other()
    {
        var builder = new ClusterSnapshotBuilder("models");
        builder.Add(JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"}}"""), "a.yaml");
        builder.Add(JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"models"}}"""), "b.yaml");
        var snapshot = builder.Build();
        Assert.Equal("models/svc", Assert.Single(snapshot.Services).Metadata.Key);
        Assert.NotNull(snapshot.FindService("models", "svc"));
    }
}
