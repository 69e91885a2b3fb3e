using System.Diagnostics;
using LlmdDoctor.Cli;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>What one doctor run produced.</summary>
public sealed record DoctorOutcome(int ExitCode, string Out, string Error, TimeSpan Elapsed)
{
    private Report? _report;

    /// <summary>The JSON report (only when the run printed one).</summary>
    public Report Report => _report ??= ReportJson.Deserialize(Out) ?? throw new InvalidOperationException($"no report; exit {ExitCode}: {Error}");

    public IEnumerable<ReportFinding> Findings(string code) => Report.Findings.Where(f => f.Code == code);

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstderr: {Error}\nstdout: {(Out.Length > 6000 ? Out[..6000] + "…" : Out)}";
}

/// <summary>
/// A healthy llm-d cluster on loopback (the simulator's API server with the <c>healthy</c> scenario and its fault
/// hooks, Envoy admin through port-forward, a vLLM-like gateway, a Prometheus API), a kubeconfig and a config file
/// pointing the doctor at it. Each fault case swaps one behaviour and runs the real <c>llmd-doctor check</c>.
/// </summary>
internal sealed class Lab : IAsyncDisposable
{
    private readonly ApiServerHost _api;

    private Lab(ApiServerHost api, string dir)
    {
        _api = api;
        Dir = dir;
        Gateway = new RawServer((r, s, ct) => GatewayBehaviour(r, s, ct));
        Prometheus = new RawServer((r, s, ct) => PrometheusBehaviour(r, s, ct));
        GatewayUrl = Gateway.Url;
        PrometheusUrl = Prometheus.Url;
        ApiFaults.PortForward = (_, path) => EnvoyFault?.Invoke(path);
        KubeUser = "token: kube-token";
    }

    /// <summary>The cluster's API server (objects, token, served kinds); no token by default: each case brings its credentials.</summary>
    public SimulatedApiServer Api => _api.Server;

    /// <summary>Where the API server listens.</summary>
    public Uri ApiUrl => _api.Url;

    /// <summary>The API server's fault hooks (scripted failures, delays, watch sessions, requests seen).</summary>
    public ApiServerFaults ApiFaults => _api.Server.Faults!;

    public RawServer Gateway { get; }
    public RawServer Prometheus { get; }
    public string Dir { get; }

    public Func<RawRequest, Stream, CancellationToken, Task> GatewayBehaviour { get; set; } = HealthyCluster.HealthyGateway;
    public Func<RawRequest, Stream, CancellationToken, Task> PrometheusBehaviour { get; set; } = HealthyCluster.HealthyPrometheus;

    /// <summary>Replaces the Envoy admin answer for a path; null = the healthy bundle's file.</summary>
    public Func<string, PodPortAnswer?>? EnvoyFault { get; set; }

    public string GatewayUrl { get; set; }
    public string PrometheusUrl { get; set; }
    public string ProbeTimeout { get; set; } = "1500ms";

    /// <summary>Extra keys under the gateway's override (indented 6 spaces).</summary>
    public string GatewayOverrideExtra { get; set; } = "";

    /// <summary>Extra keys under <c>prometheus:</c> (indented 2 spaces).</summary>
    public string PrometheusExtra { get; set; } = "";

    /// <summary>Extra top-level configuration (grafana:, alertmanager:, limits:).</summary>
    public string ExtraConfig { get; set; } = "";

    /// <summary>The kubeconfig user body (indented 4 spaces per line after the first).</summary>
    public string KubeUser { get; set; }

    /// <summary>The kubeconfig cluster body; default: the API server's URL.</summary>
    public string? KubeCluster { get; set; }

    public static async Task<Lab> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? apiCertificate = null)
    {
        var server = new SimulatedApiServer(HealthyCluster.Objects, token: null, HealthyCluster.EnvoyAdmin) { Faults = new ApiServerFaults() };

        // The scenario holds Istio objects only at networking.istio.io/v1 (DestinationRules), so the simulator derives no
        // v1alpha3; but Istio's CRDs serve EnvoyFilter at v1alpha3 beside DestinationRule at v1/v1beta1/v1alpha3
        // (istio manifests/charts/base/files/crd-all.gen.yaml @86c9f01fd73), and the fault matrix's healthy cluster
        // has them installed, with no EnvoyFilter in it: the Envoy checks run instead of being skipped.
        server.Resources.Add(new ApiResource("networking.istio.io", "v1alpha3", "envoyfilters", "EnvoyFilter", Namespaced: true));
        var api = await ApiServerHost.StartAsync(server, apiCertificate);
        var dir = Directory.CreateTempSubdirectory("llmd-faults-").FullName;
        return new Lab(api, dir);
    }

    public string ConfigYaml => $"""
        probe:
          timeout: {ProbeTimeout}
        gateways:
          include: [{HealthyCluster.GatewayKey}]
          overrides:
            {HealthyCluster.GatewayKey}:
              url: {GatewayUrl}
        {Indent(GatewayOverrideExtra, 6)}
        prometheus:
          url: {PrometheusUrl}
        {Indent(PrometheusExtra, 2)}
        {ExtraConfig}
        """;

    public string KubeconfigYaml => $"""
        apiVersion: v1
        kind: Config
        current-context: fault
        clusters:
        - name: fault
          cluster:
        {Indent(KubeCluster ?? $"server: {ApiUrl.AbsoluteUri.TrimEnd('/')}", 4)}
        users:
        - name: fault
          user:
        {Indent(KubeUser, 4)}
        contexts:
        - name: fault
          context: {"{"}cluster: fault, user: fault{"}"}
        """;

    public string WriteConfig(string? yaml = null)
    {
        var path = Path.Combine(Dir, $"config-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml ?? ConfigYaml);
        return path;
    }

    public string WriteKubeconfig()
    {
        var path = Path.Combine(Dir, "kubeconfig");
        File.WriteAllText(path, KubeconfigYaml);
        return path;
    }

    /// <summary>Runs <c>llmd-doctor check -o json</c> against the lab.</summary>
    public Task<DoctorOutcome> CheckAsync(params string[] extra) =>
        RunAsync(["check", "--config", WriteConfig(), "-o", "json", .. extra]);

    /// <summary>Runs any command with KUBECONFIG pointing at the lab.</summary>
    public async Task<DoctorOutcome> RunAsync(string[] args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? limit = null)
    {
        var merged = new Dictionary<string, string>(env ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["KUBECONFIG"] = WriteKubeconfig(),
        };
        return await Cli.RunAsync(args, merged, limit);
    }

    private static string Indent(string text, int spaces) =>
        string.IsNullOrWhiteSpace(text) ? "" : string.Join("\n", text.Trim('\n').Split('\n').Select(l => new string(' ', spaces) + l));

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Prometheus.DisposeAsync();
        await _api.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Runs the CLI in-process with captured output, a controlled environment and a hard time limit (a hang fails the case).</summary>
public static class Cli
{
    public static async Task<DoctorOutcome> RunAsync(string[] args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? limit = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, false, name => env is not null && env.TryGetValue(name, out var v) ? v : null);
        var started = Stopwatch.StartNew();
        var run = DoctorCommandLine.RunAsync(args, console);
        var budget = limit ?? TimeSpan.FromSeconds(45);
        if (await Task.WhenAny(run, Task.Delay(budget)) != run)
        {
            throw new TimeoutException($"llmd-doctor {string.Join(' ', args)} did not finish within {budget.TotalSeconds} s (a hang)");
        }

        return new DoctorOutcome(await run, output.ToString(), error.ToString(), started.Elapsed);
    }
}

internal static class LabCycle
{
    /// <summary>
    /// One full doctor cycle (LiveClusterSource → every check → report) in-process, with Service names mapped to
    /// loopback (what the CLI cannot be told) and no process-wide environment, so it can run beside CLI cases.
    /// </summary>
    public static async Task<DoctorOutcome> CycleAsync(this Lab lab, LlmdDoctor.Collection.ServiceAddresses? addresses = null, TimeSpan? limit = null)
    {
        var config = LlmdDoctor.Configuration.DoctorConfigLoader.Load(lab.ConfigYaml, "fault-config", new Dictionary<string, string?>());
        using var source = new LlmdDoctor.Collection.LiveClusterSource(
            new LlmdDoctor.Kubernetes.KubeConnection { Server = lab.ApiUrl, Credentials = new LlmdDoctor.Kubernetes.StaticCredentialSource(new LlmdDoctor.Kubernetes.KubeCredential("kube-token", null)) },
            config, addresses);
        var started = Stopwatch.StartNew();
        var run = new LlmdDoctor.Agent.DoctorCycle(config, config.Policy([]), TimeProvider.System).RunAsync(source, LlmdDoctor.Core.Checks.CheckRegistry.All, CancellationToken.None);
        var budget = limit ?? TimeSpan.FromSeconds(45);
        if (await Task.WhenAny(run, Task.Delay(budget)) != run)
        {
            throw new TimeoutException($"the doctor cycle did not finish within {budget.TotalSeconds} s (a hang)");
        }

        var result = await run;
        return new DoctorOutcome(result.Report.Findings.Any(f => f.Severity == "critical") ? 1 : 0, ReportJson.Serialize(result.Report), "", started.Elapsed);
    }
}
