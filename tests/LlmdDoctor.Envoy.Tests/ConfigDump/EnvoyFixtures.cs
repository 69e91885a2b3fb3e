using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Envoy.Admin;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Envoy.Tests.ConfigDump;

/// <summary>Loads the scenario bundles under Fixtures/Envoy (written by make_fixtures.py) and runs the Envoy checks on them.</summary>
internal static class EnvoyFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Envoy");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The source directory of the fixtures, for regenerating golden files.</summary>
    public static string SourceRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Fixtures", "Envoy"));

    public static string RepoRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    /// <summary>A bundle directory (design §9): every YAML below it except under envoy/, and its envoy/ dumps.</summary>
    public static DoctorInputs LoadBundle(string directory)
    {
        var builder = new ClusterSnapshotBuilder();
        var envoyDir = Path.Combine(directory, "envoy");
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (!file.StartsWith(envoyDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                AddYaml(builder, File.ReadAllText(file), file);
            }
        }

        var cluster = builder.Build();
        var bundle = EnvoyBundleReader.Read(envoyDir, cluster);
        var states = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("bundle"));
        states[CheckInput.EnvoyConfig] = bundle.ConfigState;
        states[CheckInput.EnvoyStats] = bundle.StatsState;
        return new DoctorInputs { Cluster = cluster, Envoy = bundle.Gateways, States = states };
    }

    public static ClusterSnapshot LoadCluster(string scenario, IEnumerable<string>? extraYaml = null)
    {
        var dir = PathOf(scenario);
        var builder = new ClusterSnapshotBuilder();
        builder.Add(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cluster.json"))), "cluster.json");
        foreach (var file in Directory.EnumerateFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
        {
            AddYaml(builder, File.ReadAllText(file), file);
        }

        foreach (var yaml in extraYaml ?? [])
        {
            AddYaml(builder, yaml, "extra");
        }

        var snapshot = builder.Build();
        Assert.Empty(snapshot.Problems);
        return snapshot;
    }

    public static void AddYaml(ClusterSnapshotBuilder builder, string yaml, string origin)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            builder.Add(YamlJson.ToJson(document.RootNode), origin);
        }
    }

    public static DoctorInputs Load(string scenario, IEnumerable<string>? extraYaml = null)
    {
        var cluster = LoadCluster(scenario, extraYaml);
        var bundle = EnvoyBundleReader.Read(PathOf(scenario, "envoy"), cluster);
        var states = Enum.GetValues<CheckInput>().ToDictionary(i => i, _ => InputState.Available("fixture"));
        states[CheckInput.EnvoyConfig] = bundle.ConfigState;
        states[CheckInput.EnvoyStats] = bundle.StatsState;
        return new DoctorInputs { Cluster = cluster, Envoy = bundle.Gateways, States = states };
    }

    public static async Task<CheckRun> RunEnvoyChecks(DoctorInputs inputs)
    {
        var run = await new CheckRunner(TimeSpan.FromSeconds(30)).RunAsync(EnvoyChecks.All, inputs);
        Assert.DoesNotContain(run.Findings, f => f.Code == FindingCatalog.CheckFailed.Code);
        return run;
    }

    /// <summary><c>CODE subject [route]</c> per finding, sorted: compact to compare in tables.</summary>
    public static string[] Summarize(IEnumerable<Finding> findings) =>
        [.. findings.Select(f => $"{f.Code} {f.Subject.Key}{(f.Evidence.TryGetValue("route", out var r) ? " " + r : "")}").Order(StringComparer.Ordinal)];
}

/// <summary>YAML (as <c>kubectl get -o yaml</c> writes it) to JSON nodes, for feeding the snapshot builder.</summary>
internal static class YamlJson
{
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ => JsonValue.Create(value),
        };
    }
}
