using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Envoy.Admin;
using LlmdDoctor.Envoy.ConfigDump;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Tests;
using YamlDotNet.Core;

namespace LlmdDoctor.Fuzz.Tests;

/// <summary>
/// Issue 16 item 9: every reader of outside input, fed mutated valid inputs from a fixed seed, answers with a result or
/// one of its documented exceptions, never anything else, and its result stays bounded. What a run finds is kept as a
/// regression [Fact] in <see cref="FoundByFuzzingTests"/> beside its fix.
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly string Healthy = Repository.ScenarioBundle("healthy");

    /// <summary>The healthy scenario's object files (YAML) as seeds, smallest first.</summary>
    internal static readonly string[] YamlSeeds = [.. Directory.EnumerateFiles(Healthy, "*.yaml", SearchOption.AllDirectories)
        .Select(File.ReadAllText).OrderBy(t => t.Length).Take(12)];

    /// <summary>The same objects as JSON, one document each.</summary>
    internal static readonly string[] JsonSeeds = [.. YamlSeeds.SelectMany(YamlJson.ParseDocuments).OfType<JsonObject>().Take(24).Select(o => o.ToJsonString())];

    internal static readonly string[] DumpSeeds = [File.ReadAllText(Directory.EnumerateFiles(Path.Combine(Healthy, "envoy"), "config_dump.json", SearchOption.AllDirectories).First())];

    internal static readonly string[] ConfigSeeds =
    [
        File.ReadAllText(Path.Combine(Repository.Root, "deploy", "base", "config.yaml")),
        File.ReadAllText(Path.Combine(Repository.Root, "deploy", "overlays", "openshift", "config.yaml")),
        """
        interval: 2m
        probe: {timeout: 5s, concurrency: 4, slowThreshold: 1500ms, model: Qwen/Qwen3-0.6B, direct: false}
        gateways:
          include: [openshift-ingress/maas-gateway]
          overrides:
            openshift-ingress/maas-gateway: {url: "https://gw.example", insecureSkipVerify: true, credential: {namespace: m, name: p, key: token}}
        prometheus: {url: "https://thanos:9091", tokenFile: /var/run/secrets/token}
        severityOverrides: {LLMD0403: warning}
        suppressions: [LLMD0409, "LLMD0403=openshift-ingress/maas-gateway"]
        limits: {maxBodyBytes: 4096, maxDumpMegabytes: 8, probeHistory: 20, checkTimeout: 10s, cycleDeadline: 5m}
        """,
    ];

    [Fact]
    public void The_YAML_reader_answers_documents_or_a_YamlException()
    {
        Fuzz.Check(Mutations.Of(YamlSeeds.Length), m =>
        {
            var text = m.Apply(YamlSeeds);
            var documents = Fuzz.Documented(() => YamlJson.ParseDocuments(text), typeof(YamlException));
            if (documents is not null)
            {
                Assert.True(documents.Sum(Nodes) <= YamlJson.MaxNodes, "more nodes than the alias budget");
            }
        }, iterations: 400, print: m => Show(m, YamlSeeds));
    }

    [Fact]
    public void The_object_reader_places_any_JSON_or_YAML_object_without_throwing()
    {
        Fuzz.Check(Mutations.Of(JsonSeeds.Length), m =>
        {
            var text = m.Apply(JsonSeeds);
            var node = Fuzz.Documented(() => YamlJson.ParseDocuments(text) is [var first, ..] ? first ?? JsonValue.Create(0) : JsonValue.Create(0), typeof(YamlException));
            var builder = new ClusterSnapshotBuilder();
            builder.Add(node, "fuzz.json");
            var snapshot = builder.Build();
            Assert.True(builder.Count <= Math.Max(1, text.Length), $"{builder.Count} objects from {text.Length} characters");
            Assert.NotNull(snapshot);
        }, iterations: 400, print: m => Show(m, JsonSeeds));
    }

    [Fact]
    public void The_config_dump_parser_never_throws_and_reads_no_more_than_it_was_given()
    {
        Fuzz.Check(Mutations.Of(DumpSeeds.Length), m =>
        {
            var bytes = Encoding.UTF8.GetBytes(m.Apply(DumpSeeds));
            using var stream = new MemoryStream(bytes);
            var dump = ConfigDumpParser.Parse(stream, "gw/config_dump", new ConfigDumpOptions { MaxBytes = 1024 * 1024 });
            Assert.True(dump.Routes.Count + dump.ClusterNames.Count + dump.ExtProcFilters.Count <= bytes.Length, "more elements than bytes");
            _ = GatewayEnvoyDataReader.FromDump("openshift-ingress", "gw", "gw-0", dump);
        }, iterations: 150, print: m => Show(m, DumpSeeds));
    }

    [Fact]
    public void The_config_loader_answers_a_config_or_a_ConfigException()
    {
        var variables = DoctorConfigLoader.EnvironmentKeys.Keys.Order(StringComparer.Ordinal).ToArray();
        var gen = CsCheck.Gen.Select(Mutations.Of(ConfigSeeds.Length), CsCheck.Gen.Int[-1, variables.Length - 1], CsCheck.Gen.Int[0, Mutations.Tokens.Length - 1]);
        Fuzz.Check(gen, t =>
        {
            var (m, variable, token) = t;
            var environment = new Dictionary<string, string?>();
            if (variable >= 0)
            {
                environment[variables[variable]] = "5" + Mutations.Tokens[token];
            }

            var config = Fuzz.Documented(() => DoctorConfigLoader.Load(m.Apply(ConfigSeeds), "fuzz.yaml", environment), typeof(ConfigException));
            if (config is not null)
            {
                Assert.InRange(config.Interval, TimeSpan.FromSeconds(5), TimeSpan.FromHours(24));
                Assert.InRange(config.Probe.Concurrency, 1, 256);
            }
        }, iterations: 400, print: t => $"{Show(t.Item1, ConfigSeeds)}; variable {t.Item2}, token {t.Item3}");
    }

    [Fact]
    public void The_bundle_reader_answers_a_bundle_or_says_it_is_empty()
    {
        var dir = Directory.CreateTempSubdirectory("fuzz-bundle-");
        try
        {
            var pod = Path.Combine(dir.FullName, "openshift-ingress", "objects.yaml");
            var dump = Path.Combine(dir.FullName, "envoy", "openshift-ingress", "gw-0", "config_dump.json");
            Directory.CreateDirectory(Path.GetDirectoryName(pod)!);
            Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
            var gen = CsCheck.Gen.Select(Mutations.Of(YamlSeeds.Length), Mutations.Of(DumpSeeds.Length, maxEdits: 2), CsCheck.Gen.Bool);
            Fuzz.Check(gen, t =>
            {
                var (objects, envoy, withDump) = t;
                // Encoding.UTF8 writes a lone surrogate as U+FFFD instead of throwing, as a careless writer would.
                File.WriteAllBytes(pod, Encoding.UTF8.GetBytes(objects.Apply(YamlSeeds)));
                if (withDump)
                {
                    File.WriteAllBytes(dump, Encoding.UTF8.GetBytes(envoy.Apply(DumpSeeds)));
                }
                else
                {
                    File.Delete(dump);
                }

                var bundle = Fuzz.Documented(() => BundleReader.Read(dir.FullName), typeof(EmptyBundleException));
                if (bundle is not null)
                {
                    Assert.True(bundle.Problems.Count <= 2, $"{bundle.Problems.Count} problems from 2 files");
                }
            }, iterations: 150, print: t => $"{Show(t.Item1, YamlSeeds)}; dump {(t.Item3 ? t.Item2.ToString() : "absent")}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_Kubernetes_list_reader_answers_a_list_or_a_KubeApiException()
    {
        using var server = new ListServer();
        using var client = new KubeClient(new KubeConnection { Server = server.Url }, new KubeClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        var lists = JsonSeeds.Select(o => new JsonObject
        {
            ["kind"] = "PodList",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = "7", ["continue"] = "" },
            ["items"] = new JsonArray(JsonNode.Parse(o)),
        }.ToJsonString()).ToArray();

        await Task.Run(() => Fuzz.Check(Mutations.Of(lists.Length), m =>
        {
            server.Next = m.Apply(lists);
            var list = Fuzz.Documented(() => client.ListAsync(KubeResource.Pods).GetAwaiter().GetResult(), typeof(KubeApiException));
            if (list is not null)
            {
                Assert.True(list.Items.Count <= server.Next.Length, "more items than characters");
                var builder = new ClusterSnapshotBuilder();
                foreach (var item in list.Items)
                {
                    builder.Add(item, "fuzz list");
                }

                _ = builder.Build();
            }
        }, iterations: 200, print: m => Show(m, lists)));
    }

    private static string Show(Mutated m, IReadOnlyList<string> seeds)
    {
        var text = m.Apply(seeds);
        return $"{m} → {text.Length} chars: {JsonSerializer.Serialize(text.Length > 400 ? text[..400] + "…" : text)}";
    }

    private static int Nodes(JsonNode? node) => node switch
    {
        JsonObject o => 1 + o.Sum(p => Nodes(p.Value)),
        JsonArray a => 1 + a.Sum(Nodes),
        _ => 1,
    };

    /// <summary>An API server on loopback whose next list answer is <see cref="Next"/>; a continued list ends empty.</summary>
    private sealed class ListServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public ListServer()
        {
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public string Next { get; set; } = "";

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var continued = context.Request.QueryString["continue"] is { Length: > 0 };
                var body = Encoding.UTF8.GetBytes(continued ? """{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}""" : Next);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                try
                {
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}
