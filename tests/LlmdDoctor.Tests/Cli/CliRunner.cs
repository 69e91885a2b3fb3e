using LlmdDoctor.Cli;

namespace LlmdDoctor.Tests.Cli;

/// <summary>Runs the CLI in-process with captured output and a controlled environment.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string[] args, bool terminal = false, IReadOnlyDictionary<string, string>? env = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, terminal, name => env is not null && env.TryGetValue(name, out var v) ? v : null);
        var code = await DoctorCommandLine.RunAsync(args, console);
        return new Result(code, output.ToString(), error.ToString());
    }
}
