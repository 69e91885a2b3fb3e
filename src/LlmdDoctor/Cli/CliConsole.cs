namespace LlmdDoctor.Cli;

/// <summary>Where the CLI writes, and what it knows about the terminal; tests pass their own.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool OutIsTerminal, Func<string, string?> Environment)
{
    public static CliConsole System() => new(
        Console.Out,
        Console.Error,
        !Console.IsOutputRedirected,
        global::System.Environment.GetEnvironmentVariable);

    /// <summary>Colour only on a terminal, and never when <c>NO_COLOR</c> is set (no-color.org).</summary>
    public bool UseColour => OutIsTerminal && string.IsNullOrEmpty(Environment("NO_COLOR"));
}
