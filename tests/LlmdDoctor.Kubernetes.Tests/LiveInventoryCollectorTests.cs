using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class LiveInventoryCollectorTests : IAsyncLifetime
{
    private ApiServerHost _api = null!;

    private ApiServerFaults Faults => _api.Server.Faults!;

    public async Task InitializeAsync()
    {
        _api = await SimulatedApi.StartAsync();
        _api.AddAll(
        [
            Objects.Namespace("openshift-ingress"),
            Objects.Namespace("my-first-model"),
            Objects.Gateway("openshift-ingress", "openshift-ai-inference"),
            Objects.Gateway("openshift-ingress", "maas-gateway"),
            Objects.PoolV1("my-first-model", "qwen3-0-6b-inference-pool"),
            Objects.PoolV1Alpha2("my-first-model", "qwen3-0-6b-inference-pool"),
            Objects.Service("my-first-model", "qwen3-0-6b-epp-service"),
            Objects.Pod("my-first-model", "vllm-0", ("app", "vllm")),
            Objects.Secret("my-first-model", "grafana-thanos-token", serviceAccount: "grafana-thanos"),
            Objects.Make("v1", "ConfigMap", "openshift-monitoring", "cluster-monitoring-config"),
            Objects.Make("v1", "ConfigMap", "dashboards", "vllm-dashboard"),
            Objects.Make("v1", "ConfigMap", "dashboards", "unreferenced"),
            Objects.Make("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "dashboards", "vllm",
                spec: new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = "vllm-dashboard", ["key"] = "d.json" } }),
            Objects.Make("v1", "ConfigMap", "my-first-model", "serving-ca"),
            Objects.Make("v1", "ConfigMap", "my-first-model", "unreferenced-too"),
            Objects.Make("monitoring.coreos.com/v1", "ServiceMonitor", "my-first-model", "epp",
                spec: (JsonObject)JsonNode.Parse("""{"endpoints":[{"port":"metrics","tlsConfig":{"ca":{"configMap":{"name":"serving-ca","key":"service-ca.crt"}}}}]}""")!),
            Objects.Make("networking.istio.io/v1alpha3", "EnvoyFilter", "openshift-ingress", "fix-extproc-body-mode"),
        ]);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>The group's CRDs are not installed: the server stops serving and announcing it.</summary>
    private void Uninstall(string group) => _api.Server.Resources.RemoveAll(r => r.Group == group);

    /// <summary>Every pods list gets this body with 200.</summary>
    private void AnswerPods(string body) =>
        Faults.Failures.Add(new ScriptedFailure("/api/v1/pods", 200, "", "") { RawBody = body, ContentType = "application/json" });

    private async Task<LiveInventory> CollectAsync(bool keep = false)
    {
        using var client = new KubeClient(new KubeConnection { Server = _api.Url }, new KubeClientOptions { PageSize = 1 });
        return await new LiveInventoryCollector(client, new LiveInventoryOptions { KeepObjects = keep }).CollectAsync();
    }

    [Fact]
    public async Task Healthy_cluster_gives_every_input_available_and_a_full_snapshot()
    {
        var inventory = await CollectAsync();

        Assert.All(inventory.Inputs.Values, s => Assert.Equal(InputStatus.Available, s.Status));
        Assert.Equal(14, inventory.Inputs.Count);
        var snapshot = inventory.Snapshot;
        Assert.Empty(snapshot.Problems);
        Assert.Equal(2, snapshot.Gateways.Count);
        Assert.Equal(2, snapshot.InferencePools.Count);
        Assert.Equal(["inference.networking.k8s.io", "inference.networking.x-k8s.io"], snapshot.InferencePools.Select(p => p.ApiGroup).Order(StringComparer.Ordinal));
        Assert.Single(snapshot.EnvoyFilters);
        Assert.Single(snapshot.GrafanaDashboards);
        Assert.Equal("kubernetes.io/service-account-token", Assert.Single(snapshot.Secrets).Type);
        // Only the monitoring namespaces' ConfigMaps and those a dashboard or a monitor's tlsConfig names are read.
        Assert.Equal(["cluster-monitoring-config", "serving-ca", "vllm-dashboard"], snapshot.ConfigMaps.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Empty(inventory.Objects);
    }

    [Fact]
    public async Task Newest_served_llminferenceservice_version_is_listed()
    {
        await CollectAsync();

        Assert.Contains(_api.Server.Requests, r => r.PathAndQuery.StartsWith("/apis/serving.kserve.io/v1alpha2/llminferenceservices", StringComparison.Ordinal));
        Assert.DoesNotContain(_api.Server.Requests, r => r.PathAndQuery.StartsWith("/apis/serving.kserve.io/v1alpha1/llminferenceservices", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("grafana.integreatly.org", CheckInput.GrafanaObjects)]
    [InlineData("monitoring.coreos.com", CheckInput.Monitors)]
    [InlineData("sailoperator.io", CheckInput.IstioVersion)]
    [InlineData("serving.kserve.io", CheckInput.LlmInferenceServices)]
    public async Task Crd_not_installed_makes_its_input_absent_and_nothing_else(string group, CheckInput input)
    {
        Uninstall(group);

        var inventory = await CollectAsync();

        Assert.Equal(InputStatus.Absent, inventory.Inputs[input].Status);
        Assert.Contains(group, inventory.Inputs[input].Reason, StringComparison.Ordinal);
        Assert.All(inventory.Inputs.Where(i => i.Key != input && !(group == "monitoring.coreos.com" && i.Key == CheckInput.PrometheusRules)),
            i => Assert.Equal(InputStatus.Available, i.Value.Status));
    }

    [Fact]
    public async Task One_inferencepool_group_missing_is_still_available()
    {
        Uninstall("inference.networking.x-k8s.io");

        var inventory = await CollectAsync();

        Assert.Equal(InputStatus.Available, inventory.Inputs[CheckInput.InferencePools].Status);
        Assert.Equal("inference.networking.k8s.io", Assert.Single(inventory.Snapshot.InferencePools).ApiGroup);
    }

    [Fact]
    public async Task Both_inferencepool_groups_missing_is_absent()
    {
        Uninstall("inference.networking.x-k8s.io");
        Uninstall("inference.networking.k8s.io");

        var inventory = await CollectAsync();

        Assert.Equal(InputStatus.Absent, inventory.Inputs[CheckInput.InferencePools].Status);
    }

    [Theory]
    [InlineData("/apis/gateway.networking.k8s.io/v1/gatewayclasses", 403, CheckInput.Gateways, InputStatus.Denied)]
    [InlineData("/apis/inference.networking.x-k8s.io/v1alpha2/inferencepools", 403, CheckInput.InferencePools, InputStatus.Denied)]
    [InlineData("/api/v1/pods", 500, CheckInput.Pods, InputStatus.Unavailable)]
    [InlineData("/apis/networking.istio.io/v1alpha3", 503, CheckInput.EnvoyFilters, InputStatus.Unavailable)]
    [InlineData("/api/v1/namespaces/openshift-monitoring/configmaps", 403, CheckInput.ConfigMaps, InputStatus.Denied)]
    [InlineData("/api/v1/namespaces/dashboards/configmaps/vllm-dashboard", 403, CheckInput.ConfigMaps, InputStatus.Denied)]
    public async Task Failure_on_one_kind_marks_only_its_input(string path, int status, CheckInput input, InputStatus expected)
    {
        Faults.Fail(path, status, status == 403 ? "Forbidden" : "InternalError", $"no access to {path}");

        var inventory = await CollectAsync();

        var state = inventory.Inputs[input];
        Assert.Equal(expected, state.Status);
        Assert.Contains(path, state.Source, StringComparison.Ordinal);
        Assert.Contains($"no access to {path}", state.Reason, StringComparison.Ordinal);
        Assert.All(inventory.Inputs.Where(i => i.Key != input), i => Assert.Equal(InputStatus.Available, i.Value.Status));
    }

    [Fact]
    public async Task Denied_secrets_do_not_touch_any_input_but_are_reported_per_kind()
    {
        Faults.Fail("/api/v1/secrets", 403, "Forbidden", "secrets is forbidden");

        var inventory = await CollectAsync();

        Assert.All(inventory.Inputs.Values, s => Assert.Equal(InputStatus.Available, s.Status));
        Assert.Equal(InputStatus.Denied, inventory.Kinds.Single(k => k.Kind.Api.Kind == "Secret").State.Status);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(401)]
    [InlineData(0)]
    public async Task Api_server_unusable_raises_the_distinct_exception(int status)
    {
        Uri server;
        if (status == 0)
        {
            server = new Uri($"http://127.0.0.1:{KubeClientTests.FreePort()}");
        }
        else
        {
            Faults.Fail("/api", status, "Down", "apiserver is down");
            server = _api.Url;
        }

        using var client = new KubeClient(new KubeConnection { Server = server });
        var ex = await Assert.ThrowsAsync<ClusterUnreachableException>(() => new LiveInventoryCollector(client).CollectAsync());

        Assert.Equal(server, ex.Server);
        Assert.Contains(server.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains(status == 0 ? "cannot connect" : status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kept_objects_carry_kind_and_no_secret_data()
    {
        var inventory = await CollectAsync(keep: true);

        Assert.Equal(inventory.Kinds.Sum(k => k.Count), inventory.Objects.Count);
        Assert.All(inventory.Objects, o => Assert.False(string.IsNullOrEmpty((string?)o["kind"])));
        Assert.DoesNotContain(inventory.Objects, o => o.ToJsonString().Contains("c2VjcmV0LXRva2VuLXZhbHVl", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> MalformedPods => new()
    {
        { "a field of the wrong JSON type", """{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p","namespace":"llm"},"spec":{"containers":"main"}}]}""", "1 of 1 objects could not be read" },
        { "labels that are a list", """{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p","namespace":"llm","labels":["a"]}}]}""", "could not be read" },
        { "a duplicate key", """{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p","namespace":"llm","namespace":"x"}}]}""", "Duplicate" },
        { "a non-object item", """{"kind":"PodList","metadata":{},"items":[42]}""", "items[0] is number" },
        { "a numeric continue", """{"kind":"PodList","metadata":{"continue":1},"items":[]}""", "metadata.continue is number" },
    };

    [Theory]
    [MemberData(nameof(MalformedPods))]
    public async Task Malformed_pod_list_makes_only_pods_unavailable(string fault, string body, string reason)
    {
        AnswerPods(body);

        var inventory = await CollectAsync();

        var pods = inventory.Inputs[CheckInput.Pods];
        Assert.Equal(InputStatus.Unavailable, pods.Status);
        Assert.True(pods.Reason.Contains(reason, StringComparison.Ordinal), $"{fault}: {pods.Reason}");
        Assert.Contains("/api/v1/pods", pods.Source, StringComparison.Ordinal);
        Assert.Empty(inventory.Snapshot.Pods);
        Assert.All(inventory.Inputs.Where(i => i.Key != CheckInput.Pods), i => Assert.Equal(InputStatus.Available, i.Value.Status));
        Assert.Equal(2, inventory.Snapshot.Gateways.Count);
    }

    [Fact]
    public async Task Well_formed_pod_list_with_unknown_fields_and_annotations_is_available()
    {
        AnswerPods("""{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p","namespace":"llm","annotations":{"a":"b"},"managedFields":[{"manager":"kubelet"}]},"spec":{"containers":[{"name":"main","unknown":{"x":1}}]},"futureField":[1,2]}]}""");

        var inventory = await CollectAsync();

        Assert.Equal(InputStatus.Available, inventory.Inputs[CheckInput.Pods].Status);
        var pod = Assert.Single(inventory.Snapshot.Pods);
        Assert.Equal("main", Assert.Single(pod.Spec.Containers).Name);
        Assert.Empty(pod.Metadata.Annotations);
    }

    [Fact]
    public async Task Snapshot_holds_typed_projections_and_no_raw_json()
    {
        var inventory = await CollectAsync();

        Assert.Empty(inventory.Objects);
        // An EnvoyFilter's patch value is an Envoy config fragment the Envoy analysis reads as JSON, and a GrafanaDatasource's
        // secureJsonData is kept as written (grafana-operator's examples put arrays there): a few of each per cluster.
        var raw = RawJsonMembers(typeof(LlmdDoctor.Core.Cluster.ClusterSnapshot), []).ToList();
        Assert.Equal(["EnvoyPatch.Value", "GrafanaDatasourceBody.SecureJsonData"], raw);
    }

    /// <summary>Every property path from <paramref name="type"/> whose type is a JSON DOM (JsonNode, JsonElement, JsonDocument).</summary>
    private static IEnumerable<string> RawJsonMembers(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
        {
            yield break;
        }

        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            var candidates = new[] { property.PropertyType }.Concat(property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments() : [])
                .Concat(property.PropertyType.IsArray ? [property.PropertyType.GetElementType()!] : []);
            foreach (var candidate in candidates)
            {
                if (typeof(JsonNode).IsAssignableFrom(candidate) || candidate == typeof(System.Text.Json.JsonElement) || candidate == typeof(System.Text.Json.JsonDocument))
                {
                    yield return $"{type.Name}.{property.Name}";
                }
                else if (candidate.Namespace?.StartsWith("LlmdDoctor", StringComparison.Ordinal) == true)
                {
                    foreach (var inner in RawJsonMembers(candidate, seen))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }
}
