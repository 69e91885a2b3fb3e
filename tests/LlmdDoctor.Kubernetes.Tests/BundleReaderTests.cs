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

    private const string GoodService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: good\n  namespace: ns\n";

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
    [InlineData("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: indent\n", "5:", "invalid YAML")]
    [InlineData("nested/bad.yml", "kind: Pod\nmetadata: {name: \"x}\n", "2:", "invalid YAML")]
    [InlineData("bad.json", "{\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": x\n  }\n}\n", "4:", "invalid JSON")]
    [InlineData("alias.yaml", "a: *nothing\n", "1:", "invalid YAML")]
    [InlineData("dup.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}", "1:", "Duplicate property 'name'")]
    [InlineData("dupkey.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n", "", "invalid YAML")]
    public void A_malformed_file_is_a_problem_naming_line_and_column_and_the_rest_is_read(string file, string content, string prefix, string reason)
    {
        using var dir = new TempBundle();
        dir.Write(file, content);
        dir.Write("good.yaml", GoodService);

        var bundle = BundleReader.Read(dir.Path);

        var problem = Assert.Single(bundle.Problems);
        Assert.Equal(file, problem.File);
        Assert.StartsWith(prefix, problem.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(dir.Path, problem.Reason, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(bundle.Snapshot.Services).Metadata.Name);
    }

    [Fact]
    public void An_alias_bomb_stops_at_the_node_budget_instead_of_eating_memory()
    {
        var yaml = new System.Text.StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        var previous = "a";
        for (var i = 1; i < 12; i++)
        {
            yaml.Append($"b{i}: &b{i} [{string.Join(", ", Enumerable.Repeat("*" + previous, 9))}]\n");
            previous = $"b{i}";
        }

        using var dir = new TempBundle();
        dir.Write("bomb.yaml", yaml.ToString());
        dir.Write("good.yaml", GoodService);

        var problem = Assert.Single(BundleReader.Read(dir.Path).Problems);
        Assert.Contains("alias bomb", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flow.yaml")]
    [InlineData("block.yaml")]
    public void Nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow(string file)
    {
        var text = file == "flow.yaml"
            ? "x: " + new string('[', 100_000) + new string(']', 100_000) + "\n"
            : string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i) + "k:\n")) + new string(' ', 5_000) + "v\n";
        using var dir = new TempBundle();
        dir.Write(file, text);
        dir.Write("good.yaml", GoodService);

        var problem = Assert.Single(BundleReader.Read(dir.Path).Problems);
        Assert.Contains("nesting deeper than 256 levels", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Symlinks_that_leave_the_bundle_and_fifos_are_reported_and_skipped_without_blocking()
    {
        using var dir = new TempBundle();
        dir.Write("good.yaml", GoodService);
        using var outside = new TempBundle();
        outside.Write("secret.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: stolen, namespace: ns}\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "root"), "/");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "stolen.yaml"), Path.Combine(outside.Path, "secret.yaml"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "inside.yaml"), Path.Combine(dir.Path, "good.yaml"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "loop"), dir.Path);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "dangling.yaml"), Path.Combine(dir.Path, "nothing.yaml"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(dir.Path, "fifo.yaml")])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // A blocked read would hang here: the time-out turns that into a failure.
        var bundle = await Task.Run(() => BundleReader.Read(dir.Path)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["good"], bundle.Snapshot.Services.Select(s => s.Metadata.Name).ToArray());
        var problems = bundle.Problems.ToDictionary(p => p.File, p => p.Reason);
        Assert.Contains("outside the bundle", problems["root"], StringComparison.Ordinal);
        Assert.Contains("outside the bundle", problems["stolen.yaml"], StringComparison.Ordinal);
        Assert.Contains("directory, not followed", problems["loop"], StringComparison.Ordinal);
        Assert.Contains("symlink to nothing", problems["dangling.yaml"], StringComparison.Ordinal);
        Assert.Contains("not a regular file", problems["fifo.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain("inside.yaml", problems.Keys);
    }

    [Fact]
    public void Documents_without_kind_apiVersion_or_name_are_listed_as_not_read()
    {
        using var dir = new TempBundle();
        dir.Write("good.yaml", GoodService);
        dir.Write("odd.yaml", "apiVersion: v1\nmetadata: {name: x}\n---\nkind: Service\nmetadata: {name: y}\n---\napiVersion: v1\nkind: Service\nmetadata: {namespace: z}\n---\n- just\n- a list\n");

        var bundle = BundleReader.Read(dir.Path);

        Assert.Equal(4, bundle.NotRead.Count);
        Assert.Contains(bundle.NotRead, n => n.StartsWith("odd.yaml#1: no kind", StringComparison.Ordinal));
        Assert.Contains(bundle.NotRead, n => n.StartsWith("odd.yaml#2: no apiVersion", StringComparison.Ordinal));
        Assert.Contains(bundle.NotRead, n => n.StartsWith("odd.yaml#3: Service without metadata.name", StringComparison.Ordinal));
        Assert.Contains(bundle.NotRead, n => n.StartsWith("odd.yaml#4: not a mapping", StringComparison.Ordinal));
    }

    [Fact]
    public void An_object_in_two_files_keeps_the_live_copy_and_names_the_ignored_one()
    {
        using var dir = new TempBundle();
        dir.Write("applied.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: models}\nspec:\n  replicas: 1\n");
        dir.Write("live/deployments.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: models, resourceVersion: \"42\"}\nspec:\n  replicas: 3\nstatus:\n  readyReplicas: 2\n");

        var snapshot = BundleReader.Read(dir.Path).Snapshot;

        Assert.Equal(3, Assert.Single(snapshot.Deployments).Spec.Replicas);
        Assert.Equal(
            "applied.yaml: Deployment models/vllm: duplicate of live/deployments.yaml, ignored (the other copy has status)",
            Assert.Single(snapshot.Problems));
    }

    [Theory]
    [InlineData(new string[0], "it holds no readable file")]
    [InlineData(new[] { "notes.txt" }, "none of its 1 file(s) holds a Kubernetes object")]
    [InlineData(new[] { "bad.yaml" }, "1 could not be read: bad.yaml")]
    public void A_bundle_with_nothing_to_analyse_is_an_error(string[] files, string expected)
    {
        using var dir = new TempBundle();
        foreach (var file in files)
        {
            dir.Write(file, file == "bad.yaml" ? "a: [1, 2\n" : "hello\n");
        }

        var ex = Assert.Throws<EmptyBundleException>(() => BundleReader.Read(dir.Path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private sealed class TempBundle : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("bundle");

        public string Path => _dir.FullName;

        public void Write(string relative, string content)
        {
            var path = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }

        public void Dispose() => _dir.Delete(recursive: true);
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
