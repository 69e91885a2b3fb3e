using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Tests.Peers;

/// <summary>Starting the real peers (Debian's prometheus and prometheus-alertmanager) next to the agent, on 127.0.0.1.</summary>
internal static class PeerProcesses
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string Require(string path, string package) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: apt-get install {package} (scripts/test.sh does)");

    public static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Kills what is still running and waits for it, so no peer outlives its test.</summary>
    public static async Task StopAsync(params Process?[] processes)
    {
        foreach (var p in processes)
        {
            if (p is { HasExited: false })
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            p?.Dispose();
        }
    }

    /// <summary>
    /// The PrometheusRule's <c>spec</c> as a plain rules file; <c>for</c> and group intervals are shortened to 1s so the
    /// test takes seconds, not minutes (the expressions, labels and annotations are the shipped ones).
    /// </summary>
    public static void WriteRules(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "base", "prometheusrule.yaml"))));
        var spec = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("spec")];
        foreach (var group in ((YamlSequenceNode)spec.Children[new YamlScalarNode("groups")]).Children.Cast<YamlMappingNode>())
        {
            if (group.Children.ContainsKey(new YamlScalarNode("interval")))
            {
                group.Children[new YamlScalarNode("interval")] = new YamlScalarNode("1s");
            }

            foreach (var rule in ((YamlSequenceNode)group.Children[new YamlScalarNode("rules")]).Children.Cast<YamlMappingNode>())
            {
                if (rule.Children.ContainsKey(new YamlScalarNode("for")))
                {
                    rule.Children[new YamlScalarNode("for")] = new YamlScalarNode("1s");
                }
            }
        }

        using var writer = new StreamWriter(path);
        new YamlStream(new YamlDocument(spec)).Save(writer, assignAnchors: false);
    }

    /// <summary>A Prometheus config scraping the agent every second, with the shipped rules and, if given, an Alertmanager.</summary>
    public static string PrometheusConfig(string rulesFile, int agentPort, int? alertmanagerPort)
    {
        var alerting = alertmanagerPort is { } am
            ? "alerting:\n  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:" + am.ToString(CultureInfo.InvariantCulture) + "']}]}]\n"
            : "";
        return $$$"""
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            {{{alerting}}}rule_files: ['{{{rulesFile}}}']
            scrape_configs:
              - job_name: llmd-doctor
                static_configs: [{targets: ['127.0.0.1:{{{agentPort}}}'], labels: {namespace: llm-d-monitoring}}]
            """;
    }

    /// <summary>Waits until a peer answers 200 on its readiness endpoint (20 s unless told).</summary>
    public static async Task WaitReadyAsync(HttpClient http, string url, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var r = await http.GetAsync(url);
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{url} did not become ready within {limit.TotalSeconds:0} s");
    }
}
