using System.Diagnostics;
using System.Text.RegularExpressions;
using LlmdDoctor.Envoy.Grpc;

namespace LlmdDoctor.Envoy.Tests.Grpc;

/// <summary>Starts tests/interop/epp_server.py (real grpcio) once for the collection: h2c, TLS and an HTTP/1.1-only port.</summary>
public sealed partial class InteropServerFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly System.Text.StringBuilder _stderr = new();

    public TestCertificate Certificate { get; } = TestCertificate.Create("epp.llmd-doctor.test");
    public int H2cPort { get; private set; }
    public int TlsPort { get; private set; }
    public int Http1Port { get; private set; }
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        PythonInterop.EnsureModules();
        var clock = Stopwatch.StartNew();
        var psi = new ProcessStartInfo(PythonInterop.Python,
            ["-u", Path.Combine(PythonInterop.InteropDirectory, "epp_server.py"), "--tls-cert", Certificate.CertFile, "--tls-key", Certificate.KeyFile])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = PythonInterop.InteropDirectory,
            Environment = { ["PYTHONDONTWRITEBYTECODE"] = "1" },
        };
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            while ((line = await _process.StandardOutput.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
            {
            }
        }
        catch (OperationCanceledException)
        {
            line = null;
        }
        var match = line is null ? null : ReadyLine().Match(line);
        if (match is not { Success: true })
        {
            throw new InvalidOperationException($"epp_server.py did not become ready: {Stderr()}");
        }
        H2cPort = int.Parse(match.Groups[1].Value);
        TlsPort = int.Parse(match.Groups[2].Value);
        Http1Port = int.Parse(match.Groups[3].Value);
        StartupTime = clock.Elapsed;
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(3000))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        Certificate.Dispose();
        return Task.CompletedTask;
    }

    public string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    public GrpcConnection H2c(int maxReceive = GrpcConnectionOptions.DefaultMaxReceiveMessageSize) =>
        new(new GrpcConnectionOptions { Address = new Uri($"http://127.0.0.1:{H2cPort}"), MaxReceiveMessageSize = maxReceive });

    public GrpcConnection Tls(GrpcTlsOptions tls) =>
        new(new GrpcConnectionOptions { Address = new Uri($"https://127.0.0.1:{TlsPort}"), Tls = tls });

    [GeneratedRegex(@"^READY h2c=(\d+) tls=(\d+) http1=(\d+)")]
    private static partial Regex ReadyLine();
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropServerFixture>
{
    public const string Name = "grpc-interop";
}
