using System.Diagnostics;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>Finds tests/interop and runs Debian's /usr/bin/python3 (the python3 first on PATH may lack grpcio).</summary>
public static class PythonInterop
{
    public const string Python = "/usr/bin/python3";

    public static string InteropDirectory { get; } = FindInteropDirectory();

    /// <summary>Fails (never skips) when grpcio/grpc_tools/protobuf cannot be imported: skipping would hide a broken interop setup.</summary>
    public static void EnsureModules()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} not found: the interop tests need Debian's python3 with python3-grpcio, python3-grpc-tools and python3-protobuf (apt-get install -y python3-grpcio python3-grpc-tools python3-protobuf)");
        }
        var psi = new ProcessStartInfo(Python, ["-c", "import grpc, grpc_tools.protoc, google.protobuf; print(grpc.__version__)"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"python3-grpcio is not importable by {Python} (exit {process.ExitCode}): {stderr.Trim()}. " +
                "Install it: apt-get install -y python3-grpcio python3-grpc-tools python3-protobuf");
        }
    }

    /// <summary>Runs an interop script with lines on stdin and returns stdout lines (stdin closed afterwards).</summary>
    public static async Task<string[]> RunBatchAsync(string script, IEnumerable<string> stdinLines, TimeSpan timeout)
    {
        EnsureModules();
        var psi = new ProcessStartInfo(Python, ["-u", Path.Combine(InteropDirectory, script)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = InteropDirectory,
            Environment = { ["PYTHONDONTWRITEBYTECODE"] = "1" },
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var line in stdinLines)
        {
            await process.StandardInput.WriteLineAsync(line);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {await stderr}");
        }
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string FindInteropDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "epp_server.py")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"tests/interop not found above {AppContext.BaseDirectory}");
    }
}
