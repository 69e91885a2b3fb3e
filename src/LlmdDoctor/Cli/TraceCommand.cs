using System.CommandLine;
using LlmdDoctor.Agent;
using LlmdDoctor.Collection;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Trace;
using LlmdDoctor.Kubernetes;
using LlmdDoctor.Trace;

namespace LlmdDoctor.Cli;

/// <summary>
/// <c>trace --gateway NS/NAME (--model ID | --path P)</c>: one request through the gateway, every hop explained
/// (design.md §3). Exit 0 when no hop broke, 1 when one did, 2 for bad input, 3 when the cluster cannot be read.
/// </summary>
public static class TraceCommand
{
    public static Command Build(CliConsole console)
    {
        var gateway = new Option<string>("--gateway") { Description = "The gateway to send through, NAMESPACE/NAME", Required = true };
        var model = new Option<string?>("--model") { Description = "A model id: sends a one-token chat completion to the chat path of the route that serves it (with --path: the model the generated body asks for)" };
        var path = new Option<string?>("--path") { Description = "The path (and query) to send, e.g. /my-first-model/qwen3-0-6b/v1/chat/completions" };
        var method = new Option<string?>("--method") { Description = "HTTP method (default POST for a body or a completions path, else GET)" };
        var body = new Option<string?>("--body") { Description = $"File with the request body, sent as JSON (- reads stdin; at most {TraceRequestSpec.MaxBodyBytes} bytes); default a one-token completion for the model" };
        var header = new Option<string[]>("--header", "-H") { Description = "Extra header NAME:VALUE (repeatable); Host:VALUE sets the Host; credential values are never printed", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json (schemaVersion 1)", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var config = new Option<string?>("--config") { Description = "Configuration file (YAML): gateway URL/CA overrides, probe timeout, runbook base URL" };
        var cluster = new ClusterOptions();
        var command = new Command("trace",
            "Send one request through a gateway and explain every hop with evidence: the listener and Host, the HTTPRoute rule and the " +
            "Envoy route that match (from the gateway's own route table), the ext_proc mode and failure mode there, the gateway's " +
            "connection to the Endpoint Picker (counters before and after the request), the Endpoint Picker's choice for the same " +
            "request, that pod's readiness and the model server's answer, with the time of each phase and the first broken hop's " +
            "code and runbook. Live (kubeconfig or in-cluster); the Endpoint Picker is only reachable from inside the cluster, so run it " +
            "in the agent: kubectl exec -n llm-d-monitoring deploy/llmd-doctor -- llmd-doctor trace --config /etc/llmd-doctor/config.yaml " +
            "--gateway NS/NAME --model ID. Exit 0 no hop broke, 1 a hop broke, 2 bad input, 3 could not run.");
        foreach (var option in new Option[] { gateway, model, path, method, body, header, output, config })
        {
            command.Options.Add(option);
        }

        cluster.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var spec = TraceRequestSpec.Parse(parse.GetValue(gateway)!, parse.GetValue(model), parse.GetValue(path), parse.GetValue(method),
                    parse.GetValue(body), parse.GetValue(header) ?? [], file => file == "-" ? Console.OpenStandardInput() : File.OpenRead(file));
                var cfg = parse.GetValue(config) is { } file ? DoctorConfigLoader.LoadFile(file) : DoctorConfigLoader.Load("", "(defaults)");
                var trace = await new RequestTracer(cluster.Connect(parse, console), cfg).RunAsync(spec, ct).ConfigureAwait(false);
                await console.Out.WriteAsync(parse.GetValue(output) == "json"
                    ? RequestTraceJson.Serialize(trace) + "\n"
                    : TraceTextRenderer.Render(trace, console.UseColour)).ConfigureAwait(false);
                return trace.FirstBroken is null ? ExitCodes.Ok : ExitCodes.FindingsAtThreshold;
            }
            catch (Exception ex) when (ex is TraceUsageException or ConfigException or KubeConfigException)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfig;
            }
            catch (SourceUnreachableException ex)
            {
                await console.Error.WriteLineAsync($"llmd-doctor: could not run: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.CouldNotRun;
            }
        });
        return command;
    }
}
