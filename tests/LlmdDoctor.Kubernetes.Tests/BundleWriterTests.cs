using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Envoy;

namespace LlmdDoctor.Kubernetes.Tests;

public sealed class BundleWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("bundle-out");

    public void Dispose() => _dir.Delete(recursive: true);

    private static List<JsonObject> Inventory()
    {
        var pod = Objects.Pod("my-first-model", "vllm-0", ("version", "1"), ("enabled", "true"));
        ((JsonObject)pod["metadata"]!)["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "kubectl" });
        return
        [
            Objects.Namespace("my-first-model"),
            Objects.Gateway("openshift-ingress", "maas-gateway"),
            Objects.Gateway("openshift-ingress", "openshift-ai-inference"),
            Objects.PoolV1("my-first-model", "pool"),
            Objects.PoolV1Alpha2("my-first-model", "pool"),
            pod,
            Objects.Secret("my-first-model", "grafana-thanos-token", serviceAccount: "grafana-thanos"),
        ];
    }

    [Theory]
    [InlineData(BundleFormat.Yaml, ".yaml")]
    [InlineData(BundleFormat.Json, ".json")]
    public void Written_objects_read_back_to_the_same_snapshot_without_secret_data(BundleFormat format, string extension)
    {
        var files = new BundleWriter(_dir.FullName, format).WriteObjects(Inventory());

        Assert.All(files, f => Assert.EndsWith(extension, f, StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith($"cluster/inferencepool.inference.networking.k8s.io{extension}", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith($"cluster/inferencepool.inference.networking.x-k8s.io{extension}", StringComparison.Ordinal));
        var text = string.Concat(files.Select(File.ReadAllText));
        Assert.DoesNotContain("c2VjcmV0LXRva2VuLXZhbHVl", text, StringComparison.Ordinal);
        Assert.DoesNotContain("last-applied-configuration", text, StringComparison.Ordinal);
        Assert.DoesNotContain("managedFields", text, StringComparison.Ordinal);

        var snapshot = BundleReader.Read(_dir.FullName).Snapshot;

        Assert.Empty(snapshot.Problems);
        Assert.Single(snapshot.Namespaces);
        Assert.Equal(2, snapshot.Gateways.Count);
        Assert.Equal(2, snapshot.InferencePools.Count);
        Assert.Equal("1", snapshot.Pods.Single().Metadata.Labels["version"]);
        Assert.Equal("kubernetes.io/service-account-token", snapshot.Secrets.Single().Type);
        Assert.Equal("grafana-thanos", snapshot.Secrets.Single().Metadata.Annotations["kubernetes.io/service-account.name"]);
    }

    [Fact]
    public void Yaml_output_looks_like_kubectl_and_quotes_what_would_change_type()
    {
        var file = new BundleWriter(_dir.FullName).WriteObjects([Objects.Pod("ns", "p", ("version", "1"), ("enabled", "true"))]).Single();

        var text = File.ReadAllText(file);

        Assert.StartsWith("apiVersion: v1\nkind: List\nitems:\n", text, StringComparison.Ordinal);
        Assert.Contains("version: \"1\"", text, StringComparison.Ordinal);
        Assert.Contains("enabled: \"true\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Collection_status_survives_the_round_trip()
    {
        var writer = new BundleWriter(_dir.FullName);
        writer.WriteObjects(Inventory());
        writer.WriteCollectionStatus(new Dictionary<CheckInput, InputState>
        {
            [CheckInput.Gateways] = InputState.Available("Gateway (https://api/apis/gateway.networking.k8s.io/v1/gateways)"),
            [CheckInput.EnvoyFilters] = InputState.Denied("EnvoyFilter (https://api/apis/networking.istio.io/v1alpha3/envoyfilters)", "forbidden"),
            [CheckInput.GrafanaObjects] = InputState.Absent("Grafana", "not installed"),
        });

        var bundle = BundleReader.Read(_dir.FullName);

        Assert.Equal(InputStatus.Denied, bundle.Inputs[CheckInput.EnvoyFilters].Status);
        Assert.Equal("forbidden", bundle.Inputs[CheckInput.EnvoyFilters].Reason);
        Assert.Equal(InputStatus.Absent, bundle.Inputs[CheckInput.GrafanaObjects].Status);
        Assert.Equal(InputStatus.Available, bundle.Inputs[CheckInput.Pods].Status);
        Assert.Empty(bundle.Snapshot.Problems);
    }

    [Fact]
    public async Task Envoy_files_land_where_the_reader_finds_them()
    {
        var writer = new BundleWriter(_dir.FullName);
        using var dump = new MemoryStream("{\"configs\":[]}"u8.ToArray());
        await writer.WriteEnvoyFileAsync("openshift-ingress", "maas-gateway-abc", EnvoyPodFiles.ConfigDumpFile, dump);
        var source = Directory.CreateDirectory(Path.Combine(_dir.FullName, "..", _dir.Name + "-src"));
        try
        {
            File.WriteAllText(Path.Combine(source.FullName, EnvoyPodFiles.StatsFile), "a: 1\n");
            File.WriteAllText(Path.Combine(source.FullName, EnvoyPodFiles.ServerInfoFile), "{}");
            writer.CopyEnvoyFiles("openshift-ingress", "maas-gateway-abc", source.FullName);
        }
        finally
        {
            source.Delete(recursive: true);
        }

        var pod = Assert.Single(BundleReader.Read(_dir.FullName).Envoy);

        Assert.Equal("maas-gateway-abc", pod.Pod);
        Assert.NotNull(pod.ConfigDump);
        Assert.NotNull(pod.Stats);
        Assert.NotNull(pod.ServerInfo);
        Assert.Null(pod.Clusters);
    }

    [Theory]
    [InlineData("..", "pod")]
    [InlineData("ns", "../../etc")]
    [InlineData("", "pod")]
    [InlineData("ns", "/abs")]
    [InlineData("ns\0", "pod\u001b[2J")]
    public async Task Envoy_names_that_would_leave_the_bundle_stay_inside_it(string ns, string pod)
    {
        using var content = new MemoryStream("stats"u8.ToArray());

        var path = await new BundleWriter(_dir.FullName).WriteEnvoyFileAsync(ns, pod, "../../stats.txt", content);

        Assert.StartsWith(Path.Combine(_dir.FullName, "envoy") + Path.DirectorySeparatorChar, Path.GetFullPath(path), StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(path), Assert.Single(Directory.EnumerateFiles(_dir.FullName, "*", SearchOption.AllDirectories)));
    }

    [Theory]
    [InlineData("../../../escaped", "v1")]
    [InlineData("..", "v1")]
    [InlineData("Pod", "../../x/v1")]
    [InlineData("/etc/passwd", "v1")]
    [InlineData("a\nb\u0000c", "v1")]
    public void A_hostile_kind_or_group_cannot_write_outside_the_bundle(string kind, string apiVersion)
    {
        var hostile = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = "y" } };

        // Deep enough that a climb of a few levels would still land in this test's folder, where it is seen.
        var root = Path.Combine(_dir.FullName, "a", "b", "c", "bundle");

        var written = new BundleWriter(root).WriteObjects([hostile, Objects.Namespace("my-first-model")]);

        Assert.Equal(2, written.Count);
        var files = Directory.EnumerateFiles(_dir.FullName, "*", SearchOption.AllDirectories).Select(Path.GetFullPath).Order().ToList();
        Assert.Equal(written.Select(Path.GetFullPath).Order(), files);
        Assert.All(files, f => Assert.StartsWith(Path.Combine(root, "cluster") + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.All(files, f => Assert.DoesNotContain("..", Path.GetFileName(f), StringComparison.Ordinal));
    }

    [Fact]
    public void Kinds_whose_safe_names_collide_keep_their_own_files()
    {
        var a = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "A/B", ["metadata"] = new JsonObject { ["name"] = "one" } };
        var b = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "A_B", ["metadata"] = new JsonObject { ["name"] = "two" } };
        var c = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "a_b", ["metadata"] = new JsonObject { ["name"] = "three" } };

        var written = new BundleWriter(_dir.FullName).WriteObjects([a, b, c]);

        Assert.Equal(3, written.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(_dir.FullName, "cluster")).Count());
    }

    [Fact]
    public void Secrets_lose_data_stringData_and_token_annotations()
    {
        var secret = Objects.Secret("ns", "builder-token-x", serviceAccount: "builder");
        secret["data"] = new JsonObject { ["token"] = "c2VjcmV0LXRva2Vu" };
        secret["stringData"] = new JsonObject { ["password"] = "plain-password-value" };
        var annotations = (JsonObject)(((JsonObject)secret["metadata"]!)["annotations"] ??= new JsonObject());
        annotations["openshift.io/token-secret.value"] = "short";
        annotations["example.com/jwt"] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
        annotations["example.com/note"] = "keep me";
        annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{\"data\":{\"token\":\"c2VjcmV0LXRva2Vu\"}}";

        new BundleWriter(_dir.FullName).WriteObjects([secret]);

        var text = File.ReadAllText(Assert.Single(Directory.EnumerateFiles(Path.Combine(_dir.FullName, "cluster"))));
        Assert.DoesNotContain("c2VjcmV0LXRva2Vu", text, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-password-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("short", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        Assert.Contains("keep me", text, StringComparison.Ordinal);
        Assert.Contains("builder-token-x", text, StringComparison.Ordinal);
    }
}
