using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests;

/// <summary>
/// Runs every command against a lab whose every credential is distinctive — the kubeconfig bearer token, the
/// Prometheus token Secret, the gateway credential Secret, the Grafana credential Secret, the Alertmanager token file
/// and an unrelated Secret's data — with sources that reject them, and asserts that no token, no base64 of one and no
/// Authorization value appears in stdout, stderr, logs, /metrics, /report (every format), the <c>report</c> command,
/// or any file of a collected bundle (which keeps Secrets as name and type only).
/// </summary>
public sealed class SecretLeakTests
{
    private const string KubeToken = "kube-TOKEN-5a1f0e9d";
    private const string PrometheusToken = "prom-TOKEN-7c2b8e41";
    private const string GatewayToken = "gateway-TOKEN-93d4aa07";
    private const string GrafanaToken = "grafana-TOKEN-0be61f2c";
    private const string AlertmanagerToken = "alertmanager-TOKEN-44e7c9b1";
    private const string SecretData = "opaque-SECRET-DATA-2f9d71c3";

    private static readonly string[] Secrets = [KubeToken, PrometheusToken, GatewayToken, GrafanaToken, AlertmanagerToken, SecretData];

    private static JsonObject Secret(string ns, string name, string value, string type = "Opaque")
    {
        var data = new JsonObject { ["token"] = HealthyCluster.Base64(value) };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = type,
            ["metadata"] = new JsonObject
            {
                ["namespace"] = ns,
                ["name"] = name,
                ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = new JsonObject { ["data"] = data.DeepClone() }.ToJsonString() },
            },
            ["data"] = data,
        };
    }

    [Fact]
    public async Task No_command_or_scenario_writes_a_credential_anywhere()
    {
        await using var lab = await Lab.StartAsync();
        lab.Api.Token = KubeToken;
        lab.KubeUser = $"token: {KubeToken}";
        foreach (var secret in new[]
        {
            Secret("llm-d-monitoring", "thanos-token", PrometheusToken, "kubernetes.io/service-account-token"),
            Secret("openshift-ingress", "maas-credential", GatewayToken),
            Secret("llm-d-monitoring", "grafana-credential", GrafanaToken),
            Secret("my-first-model", "hf-token", SecretData),
        })
        {
            lab.Api.Add(secret);
        }

        var alertmanagerTokenFile = Path.Combine(lab.Dir, "alertmanager-token");
        await File.WriteAllTextAsync(alertmanagerTokenFile, AlertmanagerToken);

        // Every source rejects or half-answers, so the error paths (the ones that quote what was sent) all run.
        lab.GatewayBehaviour = (r, s, ct) => r.Header("authorization") == $"Bearer {GatewayToken}" && r.Method == "GET"
            ? HealthyCluster.HealthyGateway(r, s, ct)
            : RawHttp.WriteAsync(s, r.Method == "POST" ? 400 : 401, $"{{\"error\":\"rejected\",\"path\":\"{r.Path}\"}}", ct: ct);
        lab.PrometheusBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 403, "Forbidden", "text/plain", ct: ct);
        await using var grafana = new RawServer((r, s, ct) => RawHttp.WriteAsync(s, 401, "{\"message\":\"invalid API key\"}", ct: ct));
        await using var alertmanager = new RawServer((r, s, ct) => RawHttp.WriteAsync(s, 503, "not ready", "text/plain", ct: ct));
        lab.GatewayOverrideExtra = "credential:\n  namespace: openshift-ingress\n  name: maas-credential\n  key: token";
        lab.PrometheusExtra = "tokenSecret:\n  namespace: llm-d-monitoring\n  name: thanos-token\n  key: token";
        lab.ExtraConfig = $"grafana:\n  url: {grafana.Url}\n  credential:\n    namespace: llm-d-monitoring\n    name: grafana-credential\n    key: token\n" +
            $"alertmanager:\n  url: {alertmanager.Url}\n  tokenFile: {alertmanagerTokenFile}";
        lab.EnvoyFault = path => path == "/stats" ? PodPortAnswer.Http(500, "stats broken", "text/plain") : null;

        var written = new List<(string Where, string Text)>();
        foreach (var format in new[] { "json", "text", "markdown" })
        {
            var check = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "-o", format]);
            Assert.True(check.ExitCode is 0 or 1, check.ToString());
            written.Add(($"check -o {format} stdout", check.Out));
            written.Add(($"check -o {format} stderr", check.Error));
        }

        // The credentials were really used (else the test would prove nothing).
        Assert.Contains(lab.Gateway.Received, r => r.Header("authorization") == $"Bearer {GatewayToken}");
        Assert.Contains(lab.Prometheus.Received, r => r.Header("authorization") == $"Bearer {PrometheusToken}");
        Assert.Contains(grafana.Received, r => r.Header("authorization") == $"Bearer {GrafanaToken}");
        Assert.Contains(alertmanager.Received, r => r.Header("authorization") == $"Bearer {AlertmanagerToken}");

        var bundle = Path.Combine(lab.Dir, "bundle");
        var collect = await lab.RunAsync(["collect", bundle, "--config", lab.WriteConfig()]);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        written.Add(("collect stdout", collect.Out));
        written.Add(("collect stderr", collect.Error));
        foreach (var file in Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories))
        {
            written.Add(($"bundle file {Path.GetRelativePath(bundle, file)}", await File.ReadAllTextAsync(file)));
        }

        var bundleText = string.Join("\n", Directory.EnumerateFiles(bundle, "*.yaml", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Contains("hf-token", bundleText, StringComparison.Ordinal);

        foreach (var format in new[] { "json", "text" })
        {
            var analyze = await Harness.Cli.RunAsync(["analyze", bundle, "-o", format]);
            written.Add(($"analyze -o {format}", analyze.Out + analyze.Error));
        }

        await using (var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(500), token: KubeToken))
        {
            await agent.WaitForReportAsync(b => b.Contains("LLMD0602", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            foreach (var path in new[] { "/report", "/report?format=text", "/report?format=markdown", "/metrics", "/healthz", "/readyz", "/runbooks/LLMD0602" })
            {
                var (status, body, _) = await agent.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, status);
                written.Add(($"agent {path}", body));
            }

            var report = await Harness.Cli.RunAsync(["report", "--url", agent.Url, "-o", "json"]);
            written.Add(("report command", report.Out + report.Error));
            await agent.DisposeAsync();
            written.Add(("agent logs", string.Join("\n", agent.Logs.Lines)));
            Assert.NotEmpty(agent.Logs.Lines);
        }

        var leaks = (from w in written
                     from secret in Secrets
                     from form in new[] { secret, HealthyCluster.Base64(secret) }
                     where w.Text.Contains(form, StringComparison.Ordinal)
                     select $"{w.Where} contains {(form == secret ? secret : $"base64({secret})")}").ToList();
        leaks.AddRange(written.Where(w => System.Text.RegularExpressions.Regex.IsMatch(w.Text, @"(?i)authorization[""']?\s*[:=]\s*[""']?(bearer|basic)\s+[^<&\s""$]"))
            .Select(w => $"{w.Where} carries an Authorization value"));
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    /// <summary>
    /// One canary credential configured everywhere a credential can be (kubeconfig token, gateway probe credential,
    /// Prometheus and Grafana token Secrets, Alertmanager token file), and peers that echo it back in their own
    /// spellings: the Kubernetes API in a Status message (JSON-escaped by its serializer), the gateway in a 401 body
    /// (JSON-escaped, escaped slash), Prometheus percent-encoded, Grafana raw, Alertmanager base64, an Envoy admin
    /// answer that <c>collect</c> saves, and a Pod annotation. Besides, a Secret carries a live token in an annotation
    /// (<c>openshift.io/token-secret.value</c>) and in its last-applied configuration: <c>collect</c> must drop both.
    /// No spelling of either may reach any channel.
    /// </summary>
    [Fact]
    public async Task A_canary_credential_echoed_back_by_every_peer_appears_in_no_channel()
    {
        const string Canary = "cAnary+Q7xw/Zk9=9e1d";
        const string AnnotationToken = "sha256~annotated-TOKEN-6b0c2d";
        var jsonEscaped = "cAnary\\u002BQ7xw\\/Zk9\\u003D9e1d";
        await using var lab = await Lab.StartAsync();
        lab.Api.Token = Canary;
        lab.KubeUser = $"token: {Canary}";
        var annotated = Secret("openshift-ingress", "builder-token", "unrelated-9a8b7c6d5e");
        ((JsonObject)annotated["metadata"]!["annotations"]!)["openshift.io/token-secret.value"] = AnnotationToken;
        foreach (var secret in new[]
        {
            Secret("llm-d-monitoring", "thanos-token", Canary, "kubernetes.io/service-account-token"),
            Secret("openshift-ingress", "maas-credential", Canary),
            Secret("llm-d-monitoring", "grafana-credential", Canary),
            annotated,
        })
        {
            lab.Api.Add(secret);
        }

        lab.Api.Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["namespace"] = "my-first-model",
                ["name"] = "echo",
                ["annotations"] = new JsonObject { ["example.com/echo"] = $"token={Canary}" },
            },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i" }) },
        });
        lab.ApiFaults.Fail("/apis/monitoring.coreos.com", 403, "Forbidden", $"user with token {Canary} cannot list resource");
        var alertmanagerTokenFile = Path.Combine(lab.Dir, "alertmanager-token");
        await File.WriteAllTextAsync(alertmanagerTokenFile, Canary);

        lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 401, $"{{\"error\":\"rejected\",\"sent\":\"{jsonEscaped}\"}}", ct: ct);
        lab.PrometheusBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 401, $"bad token {Uri.EscapeDataString(Canary)}", "text/plain", ct: ct);
        await using var grafana = new RawServer((r, s, ct) => RawHttp.WriteAsync(s, 500, $"{{\"message\":\"invalid API key {r.Header("authorization")}\"}}", ct: ct));
        await using var alertmanager = new RawServer((r, s, ct) => RawHttp.WriteAsync(s, 401, $"not yours: {HealthyCluster.Base64(Canary)}", "text/plain", ct: ct));
        lab.GatewayOverrideExtra = "credential:\n  namespace: openshift-ingress\n  name: maas-credential\n  key: token";
        lab.PrometheusExtra = "tokenSecret:\n  namespace: llm-d-monitoring\n  name: thanos-token\n  key: token";
        lab.ExtraConfig = $"grafana:\n  url: {grafana.Url}\n  credential:\n    namespace: llm-d-monitoring\n    name: grafana-credential\n    key: token\n" +
            $"alertmanager:\n  url: {alertmanager.Url}\n  tokenFile: {alertmanagerTokenFile}";
        lab.EnvoyFault = path => path switch
        {
            "/stats" => PodPortAnswer.Http(500, $"stats broken for {Canary}", "text/plain"),
            "/server_info" => PodPortAnswer.Http(200, $"{{\"state\":\"LIVE\",\"command_line_options\":{{\"token\":\"{jsonEscaped}\",\"raw\":\"{Canary}\"}}}}"),
            _ => null,
        };

        // Every span attribute the doctor records while the canary is in use (traces are an output channel too).
        var spans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == LlmdDoctor.Core.Telemetry.DoctorActivity.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue($"{a.DisplayName} {a.StatusDescription} {string.Join(" ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))} {string.Join(" ", a.Events.Select(e => e.Name))}"),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var written = new List<(string Where, string Text)>();
        foreach (var format in new[] { "json", "text", "markdown" })
        {
            var check = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig(), "-o", format]);
            Assert.True(check.ExitCode is 0 or 1, check.ToString());
            written.Add(($"check -o {format} stdout", check.Out));
            written.Add(($"check -o {format} stderr", check.Error));
        }

        // The canary was really sent everywhere and really echoed (else the test would prove nothing).
        Assert.Contains(lab.Gateway.Received, r => r.Header("authorization") == $"Bearer {Canary}");
        Assert.Contains(lab.Prometheus.Received, r => r.Header("authorization") == $"Bearer {Canary}");
        Assert.Contains(grafana.Received, r => r.Header("authorization") == $"Bearer {Canary}");
        Assert.Contains(alertmanager.Received, r => r.Header("authorization") == $"Bearer {Canary}");
        Assert.Contains(lab.ApiFaults.Requests, r => r.Authorization == $"Bearer {Canary}");

        var bundle = Path.Combine(lab.Dir, "bundle");
        var collect = await lab.RunAsync(["collect", bundle, "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig()]);
        Assert.True(collect.ExitCode == 0, collect.ToString());
        written.Add(("collect stdout", collect.Out));
        written.Add(("collect stderr", collect.Error));
        var files = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("server_info.json", StringComparison.Ordinal));
        foreach (var file in files)
        {
            written.Add(($"bundle file {Path.GetRelativePath(bundle, file)}", await File.ReadAllTextAsync(file)));
        }

        Assert.Contains(written, w => w.Where.StartsWith("bundle file", StringComparison.Ordinal) && w.Text.Contains("builder-token", StringComparison.Ordinal));
        foreach (var format in new[] { "json", "text", "markdown" })
        {
            var analyze = await Harness.Cli.RunAsync(["analyze", bundle, "-o", format]);
            written.Add(($"analyze -o {format}", analyze.Out + analyze.Error));
        }

        await using (var agent = await AgentRun.StartAsync(lab, TimeSpan.FromMilliseconds(500), token: Canary))
        {
            await agent.WaitForReportAsync(b => b.Contains("LLMD", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            foreach (var path in new[] { "/report", "/report?format=text", "/report?format=markdown", "/metrics", "/healthz", "/readyz" })
            {
                var (_, body, _) = await agent.GetAsync(path);
                written.Add(($"agent {path}", body));
            }

            var report = await Harness.Cli.RunAsync(["report", "--url", agent.Url, "-o", "text"]);
            written.Add(("report command", report.Out + report.Error));
            await agent.DisposeAsync();
            written.Add(("agent logs", string.Join("\n", agent.Logs.Lines)));
        }

        Assert.NotEmpty(spans);
        written.Add(("trace spans", string.Join("\n", spans)));

        string[] forms = [Canary, "Q7xw", "Zk9", HealthyCluster.Base64(Canary).TrimEnd('='), AnnotationToken, "annotated-TOKEN"];
        var leaks = (from w in written
                     from form in forms
                     where w.Text.Contains(form, StringComparison.OrdinalIgnoreCase)
                     select $"{w.Where} contains {form}: …{Around(w.Text, form)}…").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.Contains(written, w => w.Where.StartsWith("check", StringComparison.Ordinal) && w.Text.Contains("<redacted>", StringComparison.Ordinal));
    }

    private static string Around(string text, string form)
    {
        var at = text.IndexOf(form, StringComparison.OrdinalIgnoreCase);
        return text[Math.Max(0, at - 80)..Math.Min(text.Length, at + form.Length + 40)];
    }
}
