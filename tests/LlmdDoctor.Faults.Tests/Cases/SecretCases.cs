using System.Text.Json;
using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Credentials in the configuration, in Secrets and in peers' answers: refused when they could inject or leak, scrubbed
/// wherever a peer echoes them, dropped from collected bundles. Each case uses its own distinctive credential.
/// </summary>
public static class SecretCases
{
    private const string Area = "Secrets";

    private static FaultCase BadUrl(string fault, string yaml, string key, string password, IReadOnlyDictionary<string, string>? env = null) =>
        new(Area, fault, $"exits 2 at start-up naming `{key}`, never echoing the password", "exit 2", async () =>
        {
            var dir = Directory.CreateTempSubdirectory("llmd-faults-secret-").FullName;
            try
            {
                var path = Path.Combine(dir, "config.yaml");
                await File.WriteAllTextAsync(path, yaml);
                var outcome = await Harness.Cli.RunAsync(["check", "--config", path], env);
                Expect.Exit(outcome, 2, key);
                Assert.DoesNotContain(password, outcome.Error + outcome.Out, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        });

    /// <summary>A <c>check</c> (JSON, text and Markdown) in which <paramref name="token"/> may appear nowhere; returns the JSON run.</summary>
    private static async Task<DoctorOutcome> CheckEverywhereAsync(Lab lab, string token, params string[] fragments)
    {
        DoctorOutcome? json = null;
        foreach (var format in new[] { "json", "text", "markdown" })
        {
            var outcome = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig(), "-o", format]);
            Assert.True(outcome.ExitCode is 0 or 1, outcome.ToString());
            foreach (var form in fragments.Append(token))
            {
                Assert.False(outcome.Out.Contains(form, StringComparison.OrdinalIgnoreCase) || outcome.Error.Contains(form, StringComparison.OrdinalIgnoreCase),
                    $"-o {format} carries '{form}':\n{outcome}");
            }

            json ??= outcome;
        }

        return json!;
    }

    private static JsonObject Secret(string ns, string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["type"] = "Opaque",
        ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name },
        ["data"] = new JsonObject { ["token"] = HealthyCluster.Base64(value) },
    };

    private static async Task<(DoctorOutcome Outcome, string Bundle, List<(string File, string Text)> Files)> CollectAsync(Lab lab)
    {
        var bundle = Path.Combine(lab.Dir, "bundle");
        var outcome = await lab.RunAsync(["collect", bundle, "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig()]);
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var files = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Select(f => (Path.GetRelativePath(bundle, f), File.ReadAllText(f))).ToList();
        return (outcome, bundle, files);
    }

    private static void NotInFiles(IEnumerable<(string File, string Text)> files, params string[] forms)
    {
        foreach (var (file, text) in files)
        {
            foreach (var form in forms)
            {
                Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"{file} carries '{form}'");
            }
        }
    }

    public static IEnumerable<FaultCase> All =>
    [
        BadUrl("Prometheus URL with user:password@", "prometheus:\n  url: https://admin:hunter2-prom@thanos:9091\n", "prometheus.url", "hunter2-prom"),
        BadUrl("Grafana URL with user:password@ from LLMD_DOCTOR_GRAFANA_URL", "interval: 60s\n", "grafana.url", "hunter2-graf",
            new Dictionary<string, string> { ["LLMD_DOCTOR_GRAFANA_URL"] = "https://admin:hunter2-graf@grafana:3000" }),
        BadUrl("URL with user:password@ that is not http(s) either", "alertmanager:\n  url: ftp://admin:hunter2-ftp@am:9093\n", "alertmanager.url", "hunter2-ftp"),
        BadUrl("runbook base URL with a token as user name", "runbookBaseUrl: https://ghp-hunter2-token@runbooks.example.com/\n", "runbookBaseUrl", "hunter2-token"),

        new(Area, "kubeconfig token with CR/LF inside (header injection)", "exits 2 naming the token; the API server never sees it", "exit 2", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.KubeUser = "token: \"crlf-TOKEN-71aa\\r\\nX-Injected: yes\"";
            var outcome = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig()]);
            Expect.Exit(outcome, 2, "bearer token", "line break");
            Assert.DoesNotContain("crlf-TOKEN", outcome.Error + outcome.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(lab.ApiFaults.Requests, r => r.Authorization.Contains("crlf-TOKEN", StringComparison.Ordinal));
        }),

        new(Area, "gateway probe credential Secret with CR/LF inside", "does not send it (no header injected); the gateway's 401 is reported as the configured credential refused", "LLMD0404", async () =>
        {
            await using var lab = await Lab.StartAsync();
            lab.Api.Add(Secret("openshift-ingress", "maas-credential", "probe-TOKEN-2c9e\r\nX-Injected: yes"));
            lab.GatewayOverrideExtra = "credential:\n  namespace: openshift-ingress\n  name: maas-credential\n  key: token";
            lab.GatewayBehaviour = (r, s, ct) => r.Header("authorization").Length == 0
                ? RawHttp.WriteAsync(s, 401, "{\"error\":\"no credential\"}", ct: ct)
                : HealthyCluster.HealthyGateway(r, s, ct);
            var outcome = await CheckEverywhereAsync(lab, "probe-TOKEN-2c9e");
            Assert.NotEmpty(lab.Gateway.Received);
            Assert.DoesNotContain(lab.Gateway.Received, r => r.Header("x-injected").Length > 0 || r.Header("authorization").Length > 0);
            Expect.Finding(outcome, "LLMD0404", "reason", "unauthorized");
        }),

        new(Area, "Prometheus token file with CR/LF inside", "does not send it; reports the datasource as refusing, naming the file", "LLMD0602", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var tokenFile = Path.Combine(lab.Dir, "prom-token");
            await File.WriteAllTextAsync(tokenFile, "prom-TOKEN-8d1f\r\nX-Injected: yes\n");
            lab.PrometheusExtra = $"tokenFile: {tokenFile}";
            var outcome = await CheckEverywhereAsync(lab, "prom-TOKEN-8d1f");
            Assert.DoesNotContain(lab.Prometheus.Received, r => r.Header("x-injected").Length > 0 || r.Header("authorization").Contains("prom-TOKEN", StringComparison.Ordinal));
            Expect.Finding(outcome, "LLMD0602", "detail", "control character");
        }),

        new(Area, "gateway echoes the credential JSON-escaped in its 401 body", "reports the refused probe with the credential scrubbed in every format", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            const string Token = "gw+TOKEN/5e0b=echo";
            lab.Api.Add(Secret("openshift-ingress", "maas-credential", Token));
            lab.GatewayOverrideExtra = "credential:\n  namespace: openshift-ingress\n  name: maas-credential\n  key: token";
            lab.GatewayBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 401, $"{{\"error\":\"rejected\",\"sent\":{JsonSerializer.Serialize(r.Header("authorization"))}}}", ct: ct);
            var outcome = await CheckEverywhereAsync(lab, Token, "5e0b", "gw\\u002BTOKEN");
            Assert.Contains(lab.Gateway.Received, r => r.Header("authorization") == $"Bearer {Token}");
            Assert.Contains(outcome.Report.Findings, f => f.Code is "LLMD0404" or "LLMD0403");
        }),

        new(Area, "Kubernetes API Status message quotes the bearer token", "reports the denied kind with the token scrubbed", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            const string Token = "kube-TOKEN-echo-3f7a";
            lab.Api.Token = Token;
            lab.KubeUser = $"token: {Token}";
            lab.ApiFaults.Fail("/apis/monitoring.coreos.com/v1/servicemonitors", 403, "Forbidden", $"servicemonitors is forbidden: User \"system:serviceaccount:x:y\" with token {Token} cannot list resource");
            var outcome = await CheckEverywhereAsync(lab, Token, "echo-3f7a");
            Assert.Contains("<redacted>", outcome.Out, StringComparison.Ordinal);
        }),

        new(Area, "Prometheus 401 body echoes the token percent-encoded", "reports the refusal with the token scrubbed", "LLMD0602", async () =>
        {
            await using var lab = await Lab.StartAsync();
            const string Token = "prom+TOKEN/echo=91c2";
            lab.Api.Add(Secret("llm-d-monitoring", "thanos-token", Token));
            lab.PrometheusExtra = "tokenSecret:\n  namespace: llm-d-monitoring\n  name: thanos-token\n  key: token";
            lab.PrometheusBehaviour = (r, s, ct) => RawHttp.WriteAsync(s, 401, $"bad token {Uri.EscapeDataString(r.Header("authorization"))}", "text/plain", ct: ct);
            var outcome = await CheckEverywhereAsync(lab, Token, "echo%3D91c2", "91c2");
            Expect.Finding(outcome, "LLMD0602", "detail", "<redacted>");
        }),

        new(Area, "collect: Secret with data, stringData and a token annotation", "saves the Secret by name and type only; the annotated token is redacted", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var secret = Secret("openshift-ingress", "builder-token-x9", "data-TOKEN-0d4e");
            secret["stringData"] = new JsonObject { ["password"] = "string-DATA-6a2b" };
            ((JsonObject)secret["metadata"]!)["annotations"] = new JsonObject
            {
                ["openshift.io/token-secret.value"] = "sha256~annotation-TOKEN-5c3d",
                ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"data\":{\"token\":\"lastapplied-TOKEN-1b8f\"}}",
            };
            lab.Api.Add(secret);
            var (_, _, files) = await CollectAsync(lab);
            Assert.Contains(files, f => f.Text.Contains("builder-token-x9", StringComparison.Ordinal));
            NotInFiles(files, "data-TOKEN", HealthyCluster.Base64("data-TOKEN-0d4e"), "string-DATA", "annotation-TOKEN", "lastapplied-TOKEN");
        }),

        new(Area, "collect: a Pod annotation and an Envoy admin answer carry the credential", "scrubs it from every collected file", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            const string Token = "collect+TOKEN/7e1a";
            lab.Api.Token = Token;
            lab.KubeUser = $"token: {Token}";
            lab.Api.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["namespace"] = "my-first-model", ["name"] = "echo", ["annotations"] = new JsonObject { ["example.com/auth"] = $"Bearer {Token}", ["example.com/copy"] = $"x-{Token}-y" } },
            });
            lab.EnvoyFault = path => path == "/server_info" ? PodPortAnswer.Http(200, $"{{\"state\":\"LIVE\",\"node\":{{\"metadata\":{{\"token\":{JsonSerializer.Serialize(Token)}}}}}}}") : null;
            var (_, _, files) = await CollectAsync(lab);
            Assert.Contains(files, f => f.File.EndsWith("server_info.json", StringComparison.Ordinal) && f.Text.Contains("<redacted>", StringComparison.Ordinal));
            NotInFiles(files, Token, "TOKEN/7e1a", "TOKEN\\/7e1a", "TOKEN\\u002F7e1a");
        }),

        new(Area, "collect: an object whose own kind is ../../../escaped", "writes it inside the bundle under a safe file name", "none", async () =>
        {
            await using var lab = await Lab.StartAsync();
            var hostile = lab.Api.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["namespace"] = "my-first-model", ["name"] = "climber" },
            });
            hostile["kind"] = "../../../escaped";
            var (_, bundle, files) = await CollectAsync(lab);
            var outside = Directory.EnumerateFiles(lab.Dir, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFullPath(f).StartsWith(Path.GetFullPath(bundle) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Where(f => f.Contains("escaped", StringComparison.Ordinal));
            Assert.Empty(outside);
            Assert.DoesNotContain(files, f => f.File.Contains("..", StringComparison.Ordinal));
        }),
    ];
}
