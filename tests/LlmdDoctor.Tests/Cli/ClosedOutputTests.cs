using System.Diagnostics;

namespace LlmdDoctor.Tests.Cli;

/// <summary>
/// <c>llmd-doctor … | head -1</c>: the reader goes away while the doctor still writes. The doctor runs as its own
/// process (the JIT build the tests reference; the AOT binary was checked by hand, bench/notes/footprint.md) with stdout
/// a pipe whose read end is closed, and must end within seconds, quietly, with the exit code of the command itself.
/// .NET ignores SIGPIPE and its console stream treats EPIPE as a successful write (dotnet/runtime
/// src/libraries/System.Console/src/System/ConsolePal.Unix.cs, <c>Write</c>), so the rest of the output is dropped and the
/// command finishes its work: its exit code (findings at or above --fail-on) stays meaningful under <c>set -o pipefail</c>,
/// which a 141 would hide.
/// </summary>
public sealed class ClosedOutputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static TheoryData<string, bool, int> Commands => new()
    {
        // Closed before the doctor's first write (the host takes far longer to start than the close): every write to
        // stdout fails with EPIPE.
        { "explain LLMD0401", false, 0 },
        { "explain", false, 0 },
        { "analyze {seed} -o json --fail-on none", false, 0 },
        // The exit code still says what the command found: 1 for findings at or above --fail-on.
        { "analyze {seed} -o markdown --fail-on warning", false, 1 },
        // What `head -1` does: read the first line, then close.
        { "explain LLMD0401", true, 0 },
        { "analyze {seed} -o text --fail-on none", true, 0 },
        // Nothing on stdout, the message goes to stderr: the closed stdout changes nothing.
        { "explain LLMD9999", false, 2 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_reader_that_is_gone_does_not_keep_the_doctor_running(string commandLine, bool readFirstLine, int exitCode)
    {
        var start = Doctor(commandLine.Replace("{seed}", SeedBundle, StringComparison.Ordinal));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        if (readFirstLine)
        {
            Assert.NotNull(await process.StandardOutput.ReadLineAsync());
        }

        process.StandardOutput.Close();

        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'llmd-doctor {commandLine}' still ran {Bound.TotalSeconds} s after its reader closed stdout");
        }

        var error = await stderr;
        Assert.Equal(exitCode, process.ExitCode);
        // Quietly: no exception text about the closed pipe (a usage error still says what was wrong).
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("pipe", error, StringComparison.OrdinalIgnoreCase);
        if (exitCode == 2)
        {
            Assert.Contains("unknown finding code", error, StringComparison.Ordinal);
        }
    }

    private static string SeedBundle => Path.Combine(Repository.Root, "src", "LlmdDoctor.Simulator", "Scenarios", "seed-rhoai", "bundle");

    /// <summary>The referenced CLI (llmd-doctor.dll next to the tests) under the dotnet host that runs the tests.</summary>
    private static ProcessStartInfo Doctor(string commandLine)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "llmd-doctor.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references src/LlmdDoctor");
        // The SDK sets DOTNET_HOST_PATH for test runs; the test host itself may be an apphost, not dotnet.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
