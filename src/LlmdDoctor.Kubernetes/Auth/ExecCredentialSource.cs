using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace LlmdDoctor.Kubernetes;

/// <summary>The <c>users[].user.exec</c> stanza of a kubeconfig.</summary>
public sealed record ExecPluginConfig(
    string UserName,
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string ApiVersion,
    string? InstallHint);

/// <summary>
/// Runs a client-go credential plugin (<c>client.authentication.k8s.io/v1</c> or <c>v1beta1</c>
/// ExecCredential) and caches its answer until <c>status.expirationTimestamp</c>, or until the server
/// answers 401 when the plugin gives no expiry (client-go behaves the same).
/// </summary>
public sealed class ExecCredentialSource : IKubeCredentialSource
{
    private static readonly TimeSpan PluginTimeout = TimeSpan.FromSeconds(60);
    private readonly ExecPluginConfig _config;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KubeCredential? _current;
    private DateTimeOffset? _expiresAt;

    public ExecCredentialSource(ExecPluginConfig config, TimeProvider? time = null)
    {
        _config = config;
        _time = time ?? TimeProvider.System;
    }

    public async ValueTask<KubeCredential> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is not null && (_expiresAt is null || _time.GetUtcNow() < _expiresAt))
            {
                return _current;
            }

            var status = await RunAsync(cancellationToken).ConfigureAwait(false);
            _current = ToCredential(status);
            _expiresAt = status.ExpirationTimestamp;
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;

    private string Describe => $"exec credential plugin \"{_config.Command}\" of kubeconfig user \"{_config.UserName}\"";

    private async Task<ExecCredentialStatus> RunAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_config.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in _config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _config.Env)
        {
            start.Environment[key] = value;
        }

        start.Environment["KUBERNETES_EXEC_INFO"] =
            $$$"""{"apiVersion":"{{{_config.ApiVersion}}}","kind":"ExecCredential","spec":{"interactive":false}}""";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new KubeConfigException($"{Describe} could not be started");
        }
        catch (Win32Exception ex)
        {
            var hint = string.IsNullOrWhiteSpace(_config.InstallHint) ? "" : " " + _config.InstallHint.Trim();
            throw new KubeConfigException($"{Describe} was not found or is not executable ({ex.Message}); install it or fix the kubeconfig.{hint}", ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PluginTimeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new KubeConfigException($"{Describe} did not finish within {PluginTimeout.TotalSeconds:0} s");
            }

            if (process.ExitCode != 0)
            {
                var err = (await stderr.ConfigureAwait(false)).Trim();
                throw new KubeConfigException($"{Describe} exited with code {process.ExitCode}: {Shorten(err)}");
            }

            return Parse(await stdout.ConfigureAwait(false));
        }
    }

    private ExecCredentialStatus Parse(string stdout)
    {
        ExecCredential? credential;
        try
        {
            credential = JsonSerializer.Deserialize(stdout, KubeWireJsonContext.Default.ExecCredential);
        }
        catch (JsonException ex)
        {
            // The output holds the credential: report where parsing failed, never the text.
            throw new KubeConfigException($"{Describe} printed something that is not an ExecCredential (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }

        if (credential?.Kind != "ExecCredential" || credential.Status is null)
        {
            throw new KubeConfigException($"{Describe} printed no ExecCredential status");
        }

        if (credential.ApiVersion != _config.ApiVersion)
        {
            throw new KubeConfigException($"{Describe} answered apiVersion \"{credential.ApiVersion}\", expected \"{_config.ApiVersion}\"");
        }

        var status = credential.Status;
        if (string.IsNullOrEmpty(status.Token) && string.IsNullOrEmpty(status.ClientCertificateData))
        {
            throw new KubeConfigException($"{Describe} returned neither a token nor a client certificate");
        }

        return status;
    }

    private KubeCredential ToCredential(ExecCredentialStatus status)
    {
        X509Certificate2? certificate = null;
        if (!string.IsNullOrEmpty(status.ClientCertificateData))
        {
            if (string.IsNullOrEmpty(status.ClientKeyData))
            {
                throw new KubeConfigException($"{Describe} returned a client certificate without clientKeyData");
            }

            certificate = Pem.ClientCertificate(status.ClientCertificateData, status.ClientKeyData, Describe);
        }

        return new KubeCredential(string.IsNullOrEmpty(status.Token) ? null : status.Token, certificate);
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
