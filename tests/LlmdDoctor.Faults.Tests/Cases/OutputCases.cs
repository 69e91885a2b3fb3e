using System.Text.Json.Nodes;
using LlmdDoctor.Faults.Tests.Harness;
using LlmdDoctor.Simulator.Kube;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Cluster-supplied strings that try to be more than data: terminal escape sequences, Unicode line separators and
/// bidirectional overrides, Markdown markup. The text report spells them visibly; the Markdown report escapes them.
/// </summary>
public static class OutputCases
{
    private const string Area = "Output";

    /// <summary>A second Gateway, not programmed, whose condition message is <paramref name="message"/> (LLMD0101 reports it).</summary>
    private static void AddHostileGateway(Lab lab, string message) => lab.Api.Add(new JsonObject
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "Gateway",
        ["metadata"] = new JsonObject { ["namespace"] = "openshift-ingress", ["name"] = "hostile-gw" },
        ["spec"] = new JsonObject
        {
            ["gatewayClassName"] = "openshift-default",
            ["listeners"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "HTTP" }),
        },
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "Accepted", ["status"] = "True", ["reason"] = "Accepted", ["message"] = "ok" },
                new JsonObject { ["type"] = "Programmed", ["status"] = "False", ["reason"] = "Invalid", ["message"] = message }),
        },
    });

    private static async Task<DoctorOutcome> RunAsync(Lab lab, string format)
    {
        var outcome = await lab.RunAsync(["check", "--config", lab.WriteConfig(), "--kubeconfig", lab.WriteKubeconfig(), "-o", format]);
        Assert.True(outcome.ExitCode is 0 or 1, outcome.ToString());
        Assert.Contains("hostile-gw", outcome.Out, StringComparison.Ordinal);
        return outcome;
    }

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "condition message with terminal escape sequences (clear screen, retitle, colour, bell)", "reports the Gateway; the text report spells the sequences visibly (`\\x1b[2J`)", "LLMD0101", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AddHostileGateway(lab, "bad\u001b[2J\u001b]0;owned\u0007\u001b[32mALL HEALTHY\u001b[0m\u009b31m");
            var text = await RunAsync(lab, "text");
            Assert.DoesNotContain('\u001b', text.Out);
            Assert.DoesNotContain('\u0007', text.Out);
            Assert.DoesNotContain('\u009b', text.Out);
            Assert.Contains(@"\x1b[2J\x1b]0;owned\x07", text.Out, StringComparison.Ordinal);
            var markdown = await RunAsync(lab, "markdown");
            Assert.DoesNotContain('\u001b', markdown.Out);
            var json = await RunAsync(lab, "json");
            Expect.Finding(json, "LLMD0101", "reason", "\u001b[2J");
        }),

        new(Area, "condition message with a line break that forges a report line", "the message stays on its line (`\\n` spelled)", "LLMD0101", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AddHostileGateway(lab, "bad\n\nNo findings.\n| critical | LLMD0000 | forged |");
            var text = await RunAsync(lab, "text");
            Assert.DoesNotContain("\nNo findings.", text.Out, StringComparison.Ordinal);
            Assert.Contains(@"bad\n\nNo findings.\n", text.Out, StringComparison.Ordinal);
            var markdown = await RunAsync(lab, "markdown");
            Assert.DoesNotContain("\n| critical | LLMD0000", markdown.Out, StringComparison.Ordinal);
        }),

        new(Area, "condition message with Unicode line separators and bidi overrides", "spelled visibly (`\\u2028`, `\\u202e`)", "LLMD0101", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AddHostileGateway(lab, "bad\u2028forged\u202eevil\u2066");
            var text = await RunAsync(lab, "text");
            Assert.DoesNotContain('\u2028', text.Out);
            Assert.DoesNotContain('\u202e', text.Out);
            Assert.Contains(@"bad\u2028forged\u202eevil\u2066", text.Out, StringComparison.Ordinal);
        }),

        new(Area, "condition message with Markdown and HTML markup", "the Markdown report escapes it: no link, image, tag or table cell", "LLMD0101", async () =>
        {
            await using var lab = await Lab.StartAsync();
            AddHostileGateway(lab, "see [docs](https://evil.example) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> | forged cell |");
            var markdown = await RunAsync(lab, "markdown");
            Assert.DoesNotContain("[docs](", markdown.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("![x]", markdown.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(" <img", markdown.Out, StringComparison.Ordinal);
            Assert.Contains(@"\<img src=x onerror=alert(1)\>", markdown.Out, StringComparison.Ordinal);
            Assert.Contains(@"\[docs\](https://evil.example)", markdown.Out, StringComparison.Ordinal);
            Assert.Contains(@"\| forged cell \|", markdown.Out, StringComparison.Ordinal);
        }),
    ];
}
