using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Cli;

/// <summary>
/// Whether this build carries the simulator that <c>demo</c> starts. On by default (<c>dotnet run</c>, the JIT build,
/// the tests). A publish with <c>-p:DemoSupport=false</c> sets the switch to false with <c>Trim="true"</c>
/// (LlmdDoctor.csproj), so ILC treats <see cref="IsSupported"/> as the constant false and drops
/// <see cref="DemoCommand.Build"/> and everything only it reaches: the simulator assembly, its scenarios and its
/// servers. What that buys the serving binary is measured in bench/notes/footprint.md.
/// </summary>
public static class DemoFeature
{
    public const string Switch = "LlmdDoctor.Demo.IsSupported";

    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(Switch, out var supported) || supported;

    /// <summary>
    /// <c>demo</c> in a build without the simulator: accepts whatever follows it and says where the full build is,
    /// instead of the parser's "unrecognized command".
    /// </summary>
    public static Command Unavailable(CliConsole console)
    {
        var command = new Command("demo", "Not in this build (it leaves out the simulator): run demo from the full build, e.g. dotnet run --project src/LlmdDoctor -- demo")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(_ =>
        {
            console.Error.WriteLine(
                "llmd-doctor: this build leaves out the simulator that 'demo' starts (it serves the agent only). " +
                "Run demo from the full build: 'dotnet run --project src/LlmdDoctor -- demo' in a checkout, or a binary published without -p:DemoSupport=false.");
            return ExitCodes.UsageOrConfig;
        });
        return command;
    }
}
