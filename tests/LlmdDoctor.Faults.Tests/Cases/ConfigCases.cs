using LlmdDoctor.Faults.Tests.Harness;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>Every kind of invalid configuration key: <c>check --config</c> exits 2 at start-up with the exact key, line and reason.</summary>
public static class ConfigCases
{
    private const string Area = "Config";

    private static FaultCase Bad(string fault, string yaml, string expected, IReadOnlyDictionary<string, string>? env = null) =>
        new(Area, fault, $"exits 2 at start-up: `{expected}`", "exit 2", async () =>
        {
            var dir = Directory.CreateTempSubdirectory("llmd-faults-config-").FullName;
            try
            {
                var path = Path.Combine(dir, "config.yaml");
                await File.WriteAllTextAsync(path, yaml);
                var outcome = await Harness.Cli.RunAsync(["check", "--config", path], env);
                // A value from the environment is named by its variable, never by a line of the file it did not come from.
                Expect.Exit(outcome, 2, env is null ? $"{path}:" : "llmd-doctor: environment variable ", expected);
                Assert.Empty(outcome.Out);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        });

    public static IEnumerable<FaultCase> All =>
    [
        Bad("unknown top-level key", "intervall: 30s\n", "1: intervall: unknown key"),
        Bad("unknown nested key", "probe:\n  timeout: 5s\n  retries: 3\n", "3: probe.retries: unknown key"),
        Bad("interval below 5s", "interval: 1s\n", "1: interval: must be at least 5s"),
        Bad("duration without a unit", "probe:\n  timeout: 10\n", "2: probe.timeout: '10' is not a duration (e.g. 500ms, 30s, 5m, 1h)"),
        Bad("concurrency out of range", "probe:\n  concurrency: 0\n", "2: probe.concurrency: '0' is not a whole number between 1 and 256"),
        Bad("boolean that is not true/false", "probe:\n  direct: yes\n", "2: probe.direct: 'yes' is not true or false"),
        Bad("URL that is not http(s)", "prometheus:\n  url: ftp://thanos:9091\n", "2: prometheus.url: 'ftp://thanos:9091' is not an http(s) URL"),
        Bad("required URL missing", "grafana:\n  insecureSkipVerify: true\n", "grafana.url: is required"),
        Bad("secret reference without key", "prometheus:\n  url: https://thanos:9091\n  tokenSecret:\n    namespace: llm-d-monitoring\n    name: thanos-token\n", "prometheus.tokenSecret.key: is required"),
        Bad("gateway override key not NAMESPACE/NAME", "gateways:\n  overrides:\n    maas-gateway:\n      url: https://maas.example.com\n", "3: gateways.overrides.maas-gateway: a gateway override key must be NAMESPACE/NAME"),
        Bad("include entry not NAMESPACE/NAME", "gateways:\n  include: [maas-gateway]\n", "2: gateways.include: 'maas-gateway' is not NAMESPACE/NAME"),
        Bad("severity override for an unknown code", "severityOverrides:\n  LLMD9999: info\n", "2: severityOverrides.LLMD9999: unknown finding code"),
        Bad("severity override with a bad severity", "severityOverrides:\n  LLMD0409: loud\n", "2: severityOverrides.LLMD0409: 'loud' is not a severity (critical, warning, info)"),
        Bad("a mapping where a value belongs", "runbookBaseUrl:\n  url: https://x\n", "1: runbookBaseUrl: expected a single value"),
        Bad("limit out of range", "limits:\n  maxBodyBytes: 10\n", "2: limits.maxBodyBytes: '10' is not a whole number between 256 and 1048576"),
        Bad("invalid YAML", "probe:\n  timeout: [5s\n", "invalid YAML"),
        Bad("environment override with a bad value", "interval: 60s\n", "environment variable LLMD_DOCTOR_PROBE_TIMEOUT: probe.timeout: 'ten' is not a duration",
            new Dictionary<string, string> { ["LLMD_DOCTOR_PROBE_TIMEOUT"] = "ten" }),
    ];
}
