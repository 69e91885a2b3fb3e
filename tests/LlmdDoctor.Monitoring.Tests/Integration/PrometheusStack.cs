using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LlmdDoctor.Monitoring.Tests.Fakes;

namespace LlmdDoctor.Monitoring.Tests.Integration;

/// <summary>
/// A real Prometheus (Debian <c>prometheus</c>) scraping local fake vLLM/EPP endpoints in several namespaces, and a
/// real nginx in front of it that demands a bearer token over HTTPS with a self-signed certificate (openssl).
/// Started once per test class. Namespaces: <c>healthy-model</c> (renamed to kserve_ by metric_relabel_configs),
/// <c>plain-model</c> (not renamed), <c>down-model</c> (dead port: up == 0), <c>silent-model</c> (no vLLM/EPP series).
/// </summary>
public sealed class PrometheusStack : IDisposable
{
    public const string Token = "integration-test-token";
    private const string PrometheusBinary = "/usr/bin/prometheus";
    private const string NginxBinary = "/usr/sbin/nginx";

    private readonly List<Process> _processes = [];
    private readonly List<LoopbackHttpServer> _targets = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    public PrometheusStack()
    {
        Require(PrometheusBinary, "prometheus");
        Require(NginxBinary, "nginx");
        Require("/usr/bin/openssl", "openssl");
        Directory = System.IO.Directory.CreateTempSubdirectory("llmd-doctor-prom-").FullName;
        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Directory { get; }
    public int PrometheusPort { get; private set; }
    public int NginxPort { get; private set; }
    public string CaFile => Path.Combine(Directory, "tls.crt");
    public int DeadPort { get; } = LoopbackHttpServer.FreePort();

    public string PrometheusUrl => $"http://127.0.0.1:{PrometheusPort}";
    public string NginxUrl => $"https://127.0.0.1:{NginxPort}";

    private void Start()
    {
        var vllm = "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"Qwen/Qwen3-0.6B\"} 1\n"
            + "# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc{model_name=\"Qwen/Qwen3-0.6B\"} 0.25\n";
        var epp = "# TYPE inference_pool_ready_pods gauge\ninference_pool_ready_pods{name=\"qwen-inference-pool\"} 1\n"
            + "# TYPE inference_model_request_total counter\ninference_model_request_total{model_name=\"Qwen/Qwen3-0.6B\",target_model_name=\"Qwen/Qwen3-0.6B\"} 5\n";
        var silent = "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1\n";
        var vllmServer = Serve(vllm);
        var eppServer = Serve(epp);
        var silentServer = Serve(silent);

        var rename = "    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: '(.*)'\n        target_label: __name__\n        replacement: 'kserve_$1'\n";
        string Job(string name, int port, string ns, string pod, bool renamed) =>
            $"  - job_name: '{name}'\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n        labels: {{namespace: '{ns}', pod: '{pod}'}}\n" + (renamed ? rename : "");

        var rules = Path.Combine(Directory, "rules");
        System.IO.Directory.CreateDirectory(rules);
        File.WriteAllText(Path.Combine(rules, "llm-d-monitoring-llmd-doctor-0a1b2c.yaml"),
            "groups:\n  - name: llmd-doctor.rules\n    rules:\n      - alert: LlmdDoctorHeartbeat\n        expr: vector(1)\n");

        PrometheusPort = LoopbackHttpServer.FreePort();
        File.WriteAllText(Path.Combine(Directory, "prometheus.yml"),
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + $"rule_files:\n  - '{rules}/*.yaml'\n"
            + "scrape_configs:\n"
            + Job("healthy-model/kserve-llm-isvc-vllm-engine", vllmServer.Port, "healthy-model", "qwen-kserve-0", true)
            + Job("healthy-model/kserve-llm-isvc-scheduler", eppServer.Port, "healthy-model", "qwen-epp-0", true)
            + Job("plain-model/vllm", vllmServer.Port, "plain-model", "qwen-kserve-0", false)
            + Job("plain-model/epp", eppServer.Port, "plain-model", "qwen-epp-0", false)
            + Job("down-model/kserve-llm-isvc-vllm-engine", DeadPort, "down-model", "qwen-kserve-0", true)
            + Job("down-model/kserve-llm-isvc-scheduler", eppServer.Port, "down-model", "qwen-epp-0", true)
            + Job("silent-model/vllm", silentServer.Port, "silent-model", "qwen-kserve-0", false)
            + Job("silent-model/epp", silentServer.Port, "silent-model", "qwen-epp-0", false));
        _processes.Add(LaunchInBackground(PrometheusBinary,
            $"--config.file={Directory}/prometheus.yml --storage.tsdb.path={Directory}/data --web.listen-address=127.0.0.1:{PrometheusPort} --log.level=warn"));

        Run("/usr/bin/openssl", $"req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 "
            + $"-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout {Directory}/tls.key -out {Directory}/tls.crt");
        NginxPort = LoopbackHttpServer.FreePort();
        var temp = Path.Combine(Directory, "nginx-tmp");
        System.IO.Directory.CreateDirectory(temp);
        File.WriteAllText(Path.Combine(Directory, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            daemon off;
            pid {{Directory}}/nginx.pid;
            error_log {{Directory}}/nginx-error.log;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path {{temp}}; proxy_temp_path {{temp}}; fastcgi_temp_path {{temp}}; uwsgi_temp_path {{temp}}; scgi_temp_path {{temp}};
              server {
                listen 127.0.0.1:{{NginxPort}} ssl;
                ssl_certificate {{Directory}}/tls.crt;
                ssl_certificate_key {{Directory}}/tls.key;
                location / {
                  if ($http_authorization != "Bearer {{Token}}") { return 401; }
                  proxy_pass http://127.0.0.1:{{PrometheusPort}};
                }
              }
            }
            """);
        _processes.Add(LaunchInBackground(NginxBinary, $"-e {Directory}/nginx-error.log -p {Directory} -c {Directory}/nginx.conf"));

        WaitUntilScraped();
    }

    private LoopbackHttpServer Serve(string exposition)
    {
        var server = LoopbackHttpServer.Metrics(exposition);
        _targets.Add(server);
        return server;
    }

    /// <summary>Waits for readiness and for every job's first scrape (bounded: 20 s).</summary>
    private void WaitUntilScraped()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.StartInfo.FileName} exited with {dead.ExitCode}: {Logs()}");
            }

            try
            {
                using var doc = JsonDocument.Parse(http.GetStringAsync($"{PrometheusUrl}/api/v1/query?query=up").GetAwaiter().GetResult());
                var count = doc.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
                var rules = http.GetStringAsync($"{PrometheusUrl}/api/v1/rules").GetAwaiter().GetResult();
                last = $"{count} up series";
                if (count == 8 && rules.Contains("llmd-doctor.rules", StringComparison.Ordinal) && NginxAnswers(http))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                last = ex.Message;
            }

            Thread.Sleep(250);
        }

        throw new TimeoutException($"Prometheus/nginx not ready within 20 s ({last}): {Logs()}");
    }

    private bool NginxAnswers(HttpClient _)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect("127.0.0.1", NginxPort);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private string Logs()
    {
        var nginx = Path.Combine(Directory, "nginx-error.log");
        return (File.Exists(nginx) ? File.ReadAllText(nginx) : "") + string.Join("\n", _output.TakeLast(30));
    }

    private static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: install the Debian package '{package}' (apt-get install -y {package}); the integration tests need the real binary.");
        }
    }

    private static Process Launch(string file, string arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    /// <summary>Starts a long-running peer, draining its output so a full pipe never blocks it.</summary>
    private Process LaunchInBackground(string file, string arguments)
    {
        var process = Launch(file, arguments);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static void Run(string file, string arguments)
    {
        using var process = Launch(file, arguments);
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed: {error.Result}");
        }
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        foreach (var target in _targets)
        {
            target.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the temp dir is reclaimed later.
        }
    }
}
