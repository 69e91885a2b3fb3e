using LlmdDoctor.Configuration;

namespace LlmdDoctor.Cli;

/// <summary>
/// What a configuration for the simulator needs: its Prometheus and token, Grafana, its CA, the gateway keys
/// (<c>namespace/name</c>). Kept free of simulator types, so a doctor talking to a simulator in another process (the
/// benchmarks) does not load it.
/// </summary>
public sealed record SimulatorEndpoints(Uri PrometheusUrl, string PrometheusToken, Uri GrafanaUrl, string CaFile, IReadOnlyList<string> Gateways)
{
    /// <summary>
    /// The configuration a user would write for this cluster: the Prometheus URL and its token file (written below
    /// <paramref name="workDir"/>, mode 0600), Grafana, and the simulator's CA for the gateways (whose certificates it
    /// signed). Everything else comes from the user's file.
    /// </summary>
    public DoctorConfig ConfigFor(DoctorConfig user, string workDir)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tokenFile = Path.Combine(workDir, "prometheus-token");
        File.WriteAllText(tokenFile, PrometheusToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var overrides = new Dictionary<string, GatewayOverride>(user.Gateways.Overrides, StringComparer.Ordinal);
        foreach (var gateway in Gateways)
        {
            overrides.TryAdd(gateway, new GatewayOverride { CaFile = CaFile });
        }

        return user with
        {
            Prometheus = user.Prometheus ?? new PrometheusConfig { Url = PrometheusUrl.ToString().TrimEnd('/'), TokenFile = tokenFile, CaFile = CaFile },
            Grafana = user.Grafana ?? new GrafanaConfig { Url = GrafanaUrl.ToString().TrimEnd('/'), CaFile = CaFile },
            Gateways = user.Gateways with { Overrides = overrides },
        };
    }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"simulator (Prometheus {PrometheusUrl}, Grafana {GrafanaUrl}, {Gateways.Count} gateways)";
}
