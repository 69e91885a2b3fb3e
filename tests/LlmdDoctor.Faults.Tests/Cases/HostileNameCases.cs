using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Object names from the API that are more than names (the API server validates them; a proxy or an aggregated API
/// need not): they reach the reports as data, spelled visibly in text, never as terminal codes or extra lines.
/// </summary>
public static class HostileNameCases
{
    private const string Area = "Output";

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "a Gateway name with terminal escapes and a line break", "reports the Gateway under its name spelled visibly (`\\x1b`, `\\n`); no escape reaches the terminal", "LLMD0101", async () =>
        {
            await using var lab = await Lab.StartAsync();
            const string Name = "gw\u001b[2J\u001b]0;owned\u0007\nNo findings.";
            lab.Api.Add(new JsonObject
            {
                ["apiVersion"] = "gateway.networking.k8s.io/v1",
                ["kind"] = "Gateway",
                ["metadata"] = new JsonObject { ["namespace"] = "openshift-ingress", ["name"] = Name },
                ["spec"] = new JsonObject { ["gatewayClassName"] = "openshift-default", ["listeners"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "HTTP" }) },
                ["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Programmed", ["status"] = "False", ["reason"] = "Invalid", ["message"] = "not programmed" }),
                },
            });
            var text = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "-o", "text"]);
            Assert.True(text.ExitCode is 0 or 1, text.ToString());
            Assert.DoesNotContain('\u001b', text.Out);
            Assert.DoesNotContain('\u0007', text.Out);
            Assert.DoesNotContain("\nNo findings.", text.Out, StringComparison.Ordinal);
            Assert.Contains(@"gw\x1b[2J", text.Out, StringComparison.Ordinal);
            var json = await lab.CheckAsync();
            Assert.Contains(json.Findings("LLMD0101"), f => f.Subject.Name == Name);
        }),
    ];
}
