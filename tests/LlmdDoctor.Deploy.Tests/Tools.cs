using System.Diagnostics;

namespace LlmdDoctor.Deploy.Tests;

/// <summary>The real tools the deploy files are proven with: kubectl (embedded kustomize) and promtool.</summary>
internal static class Tools
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Kubectl => Require("/usr/bin/kubectl", "kubectl", "apt-get install kubectl");

    public static string Promtool => Require("/usr/bin/promtool", "promtool", "apt-get install prometheus");

    public static (int ExitCode, string Stdout, string Stderr) Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "llmd-deploy-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Require(string path, string name, string install) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{name} is missing at {path}: {install} (scripts/test.sh does)");

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "LlmdDoctor.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("LlmdDoctor.sln not found above " + AppContext.BaseDirectory);
    }
}
