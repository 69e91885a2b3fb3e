using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Kubernetes.Tests.Fake;

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
    public async Task Names_that_would_leave_the_bundle_are_refused(string ns, string pod)
    {
        using var content = new MemoryStream();

        await Assert.ThrowsAsync<ArgumentException>(() => new BundleWriter(_dir.FullName).WriteEnvoyFileAsync(ns, pod, "stats.txt", content));
    }
}
