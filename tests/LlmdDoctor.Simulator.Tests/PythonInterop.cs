using System.Diagnostics;

namespace LlmdDoctor.Simulator.Tests;

/// <summary>Debian's /usr/bin/python3 with python3-grpcio (the python3 first on PATH may lack grpcio); fails, never skips.</summary>
public static class PythonInterop
{
    public const string Python = "/usr/bin/python3";

    /// <summary>tests/interop (the shared interop protos and epp_server.py).</summary>
    public static string SharedInteropDirectory { get; } = Find();

    public static string ClientScript => Path.Combine(AppContext.BaseDirectory, "interop", "epp_client.py");

    public static void EnsureModules()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} not found: install python3-grpcio, python3-grpc-tools and python3-protobuf (apt-get install -y python3-grpcio python3-grpc-tools python3-protobuf)");
        }

        var (code, _, stderr) = RunAsync(["-c", "import grpc, grpc_tools.protoc, google.protobuf"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"python3-grpcio is not importable by {Python}: {stderr.Trim()}. Install it: apt-get install -y python3-grpcio python3-grpc-tools python3-protobuf");
        }
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Python, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PYTHONDONTWRITEBYTECODE"] = "1" },
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python did not finish within {timeout}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Find()
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
