using LlmdDoctor.Core.Checks;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class BundleReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Kubectl_style_files_build_the_expected_snapshot()
    {
        var bundle = BundleReader.Read(Fixture("bundle-basic"));
        var snapshot = bundle.Snapshot;

        Assert.Empty(snapshot.Problems);
        Assert.Equal(2, snapshot.Namespaces.Count);
        Assert.Equal(["maas-gateway", "openshift-ai-inference"], snapshot.Gateways.Select(g => g.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, snapshot.InferencePools.Count);
        Assert.Equal(["inference.networking.k8s.io", "inference.networking.x-k8s.io"], snapshot.InferencePools.Select(p => p.ApiGroup).Order(StringComparer.Ordinal));
        Assert.All(snapshot.InferencePools, p => Assert.Equal([8000], p.TargetPorts));
        Assert.Equal(2, snapshot.Pods.Count);
        Assert.Single(snapshot.Services);
        Assert.Equal("kubernetes.io/service-account-token", Assert.Single(snapshot.Secrets).Type);
        Assert.All(bundle.Inputs.Values, s => Assert.Equal(InputStatus.Available, s.Status));
    }

    [Theory]
    [InlineData("maas-gateway", "team", "platform")]
    [InlineData("maas-gateway", "tier", "2")]
    [InlineData("openshift-ai-inference", "tier", "1")]
    public void Anchors_merge_keys_and_unquoted_label_values_are_read(string gateway, string label, string value)
    {
        var snapshot = BundleReader.Read(Fixture("bundle-basic")).Snapshot;

        Assert.Equal(value, snapshot.Gateways.Single(g => g.Metadata.Name == gateway).Metadata.Labels[label]);
    }

    [Theory]
    [InlineData("version", "1.0")]
    [InlineData("enabled", "true")]
    [InlineData("empty", null)]
    [InlineData("owner", null)]
    public void Unquoted_service_labels_keep_their_text_and_empty_ones_are_dropped(string label, string? value)
    {
        var labels = BundleReader.Read(Fixture("bundle-basic")).Snapshot.Services[0].Metadata.Labels;

        Assert.Equal(value, labels.GetValueOrDefault(label));
    }

    [Fact]
    public void Json_list_with_non_string_labels_is_read()
    {
        var pod = BundleReader.Read(Fixture("bundle-basic")).Snapshot.Pods.Single(p => p.Metadata.Name.StartsWith("qwen3-0-6b-kserve-5", StringComparison.Ordinal));

        Assert.Equal("1", pod.Metadata.Labels["version"]);
        Assert.Equal("true", pod.Metadata.Labels["canary"]);
        Assert.True(pod.IsReady);
    }

    [Fact]
    public void Envoy_and_probe_files_are_listed_not_parsed()
    {
        var bundle = BundleReader.Read(Fixture("bundle-basic"));

        var pod = Assert.Single(bundle.Envoy);
        Assert.Equal(("openshift-ingress", "maas-gateway-7d4b9c6f85-p8mzt"), (pod.Namespace, pod.Pod));
        Assert.EndsWith("config_dump.json", pod.ConfigDump, StringComparison.Ordinal);
        Assert.EndsWith("stats.txt", pod.Stats, StringComparison.Ordinal);
        Assert.Null(pod.Clusters);
        Assert.Null(pod.ServerInfo);
        Assert.EndsWith("probes/chat.json", Assert.Single(bundle.Probes), StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_applied_without_a_namespace_are_read_into_default()
    {
        // As published upstream (GIE getting-started, llm-d guides): no metadata.namespace; kubectl apply puts them in default.
        const string Manifest = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: llm-route
            spec:
              parentRefs:
              - name: inference-gateway
              rules:
              - backendRefs:
                - name: vllm-svc
                  port: 8000
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: vllm-svc
            spec:
              ports:
              - port: 8000
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata:
              name: istio
            spec:
              controllerName: istio.io/gateway-controller
            """;
        var dir = Directory.CreateTempSubdirectory("bundle");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "manifest.yaml"), Manifest);
            var snapshot = BundleReader.Read(dir.FullName).Snapshot;
            Assert.Empty(snapshot.Problems);
            Assert.Equal("default/llm-route", Assert.Single(snapshot.HttpRoutes).Metadata.Key);
            Assert.NotNull(snapshot.FindService("default", "vllm-svc"));
            Assert.Equal("istio", Assert.Single(snapshot.GatewayClasses).Metadata.Key);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: indent\n", "bad.yaml:5:", "invalid YAML")]
    [InlineData("nested/bad.yml", "kind: Pod\nmetadata: {name: \"x}\n", "nested/bad.yml:2:", "invalid YAML")]
    [InlineData("bad.json", "{\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": x\n  }\n}\n", "bad.json:4:", "invalid JSON")]
    [InlineData("alias.yaml", "a: *nothing\n", "alias.yaml:1:", "invalid YAML")]
    public void Malformed_file_names_file_line_and_column(string file, string content, string prefix, string reason)
    {
        var dir = Directory.CreateTempSubdirectory("bundle");
        try
        {
            var path = Path.Combine(dir.FullName, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);

            var ex = Assert.Throws<BundleFormatException>(() => BundleReader.Read(dir.FullName));

            Assert.StartsWith(prefix, ex.Message, StringComparison.Ordinal);
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
            Assert.True(ex.Column > 0);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Missing_directory_is_a_clear_error()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => BundleReader.Read("/nonexistent/bundle"));

        Assert.Contains("/nonexistent/bundle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_scenario_bundle_of_the_simulator_reads_without_problems()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "LlmdDoctor.sln")))
        {
            root = Path.GetDirectoryName(root);
        }

        var seed = Path.Combine(root!, "src", "LlmdDoctor.Simulator", "Scenarios", "seed-rhoai", "bundle");
        Assert.True(Directory.Exists(seed), $"{seed} is missing");

        var bundle = BundleReader.Read(seed);

        Assert.Empty(bundle.Snapshot.Problems);
        Assert.Equal(3, bundle.Snapshot.Gateways.Count);
        Assert.Equal(2, bundle.Snapshot.InferencePools.Count);
        Assert.Single(bundle.Snapshot.EnvoyFilters);
        Assert.Equal(3, bundle.Envoy.Count);
        Assert.All(bundle.Envoy, e => Assert.NotNull(e.ConfigDump));
    }
}
