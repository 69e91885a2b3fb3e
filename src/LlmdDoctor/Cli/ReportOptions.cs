using System.CommandLine;
using LlmdDoctor.Configuration;
using LlmdDoctor.Core.Reporting;

namespace LlmdDoctor.Cli;

/// <summary>The options every report-producing command shares (design.md §3).</summary>
public sealed class ReportOptions
{
    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: text (default; colour only on a terminal, NO_COLOR honoured), json (schemaVersion 1) or markdown",
        DefaultValueFactory = _ => "text",
    };

    public Option<string> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when a finding is at or above this severity: critical (default), warning, info or none",
        DefaultValueFactory = _ => "critical",
    };

    public Option<string[]> Suppress { get; } = new("--suppress")
    {
        Description = "Hide a finding code, or a code for one object: CODE or CODE=NAMESPACE/NAME (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Configuration file (YAML); environment variables LLMD_DOCTOR_* override it",
    };

    public Option<string?> RunbookBase { get; } = new("--runbook-base")
    {
        Description = "Base of the runbook links in the report: an http(s) URL (the agent's /runbooks, or your published copy; "
            + "{code} in it is replaced by the code) or a relative folder of the Markdown runbooks. Default: runbookBaseUrl from "
            + "the configuration, else the relative runbooks/ of the project's source tree. Every finding also names "
            + "`llmd-doctor explain CODE`, which prints the runbook offline",
    };

    public ReportOptions()
    {
        Output.AcceptOnlyFromAmong("text", "json", "markdown");
        FailOn.AcceptOnlyFromAmong("critical", "warning", "info", "none");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Output);
        command.Options.Add(FailOn);
        command.Options.Add(Suppress);
        command.Options.Add(Config);
        command.Options.Add(RunbookBase);
    }

    /// <summary>The settings a command runs with, or a usage/config error message.</summary>
    public (ReportSettings? Settings, string? Error) Read(ParseResult parse, CliConsole console)
    {
        DoctorConfig config;
        try
        {
            var path = parse.GetValue(Config);
            config = path is null ? DoctorConfigLoader.Load("", "(defaults)", EnvironmentOf(console)) : DoctorConfigLoader.LoadFile(path, EnvironmentOf(console));
        }
        catch (ConfigException ex)
        {
            return (null, ex.Message);
        }

        var suppressions = new List<Suppression>();
        foreach (var text in parse.GetValue(Suppress) ?? [])
        {
            if (!Suppression.TryParse(text, out var s, out var error))
            {
                return (null, $"--suppress {error}");
            }

            suppressions.Add(s!);
        }

        var runbookBase = parse.GetValue(RunbookBase);
        if (runbookBase is not null && RunbookBaseProblem(runbookBase) is { } problem)
        {
            return (null, $"--runbook-base {problem}");
        }

        config = config with { RunbookBaseUrl = runbookBase ?? config.RunbookBaseUrl ?? ReportBuilder.OfflineRunbookBase };
        _ = ExitCodes.TryParseFailOn(parse.GetValue(FailOn), out var failOn);
        return (new ReportSettings(config, config.Policy(suppressions), failOn, parse.GetValue(Output) ?? "text"), null);
    }

    /// <summary>Reads the settings, or writes the usage/config error to stderr and returns null (the command then exits 2).</summary>
    public ReportSettings? ReadOrComplain(ParseResult parse, CliConsole console)
    {
        var (settings, error) = Read(parse, console);
        if (settings is null)
        {
            console.Error.WriteLine($"llmd-doctor: {error}");
        }

        return settings;
    }

    /// <summary>
    /// Why a <c>--runbook-base</c> cannot be used, or null. Links land in reports that are shared: an http(s) URL
    /// without a user name or password, or a relative folder; never a local absolute path or another scheme.
    /// </summary>
    private static string? RunbookBaseProblem(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri.UserInfo.Length > 0 ? "has a user name or password in it (user:…@host)" : null;
        }

        return value.Length == 0 || Path.IsPathRooted(value) || value.Contains(':', StringComparison.Ordinal) || value.Split('/', '\\').Contains("..")
            ? "must be an http(s) URL or a relative folder (no local absolute path, no other scheme, no '..')"
            : null;
    }

    private static Dictionary<string, string?> EnvironmentOf(CliConsole console) =>
        DoctorConfigLoader.EnvironmentKeys.Keys.ToDictionary(k => k, console.Environment, StringComparer.Ordinal);
}

/// <summary>What a report-producing command was asked for.</summary>
public sealed record ReportSettings(DoctorConfig Config, ReportPolicy Policy, FailOn FailOn, string Format);
