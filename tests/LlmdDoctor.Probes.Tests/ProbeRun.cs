using LlmdDoctor.Core.Checks;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Probes;

namespace LlmdDoctor.Probes.Tests;

/// <summary>Plan → probe → checks, as the agent will do it.</summary>
internal static class ProbeRun
{
    public static async Task<ProbeResults> ProbeAsync(IReadOnlyList<LlmdDoctor.Core.Cluster.RequestFlow> flows, ProbeSettings settings)
    {
        using var prober = new GatewayProber(settings);
        return await prober.RunAsync(ProbePlanner.Build(flows, settings));
    }

    public static async Task<ProbeResult> OneAsync(ProbeTarget target, ProbeSettings settings, GatewayProbeOptions? options = null)
    {
        using var prober = new GatewayProber(settings);
        var group = new ProbeGroup
        {
            GatewayKey = target.GatewayKey,
            BaseUrl = "",
            ApiPrefix = target.ApiPrefix,
            Options = options ?? GatewayProbeOptions.Default,
            Models = target,
        };
        return (await prober.RunGroupAsync(group))[0];
    }

    public static ProbeTarget Models(string url) => new()
    {
        Kind = ProbeKind.Models,
        Method = "GET",
        Url = url,
        Path = new Uri(url).AbsolutePath,
        GatewayNamespace = "openshift-ingress",
        GatewayName = "maas-gateway",
    };

    public static List<Finding> Check(ProbeResults probes, CheckSettings? settings = null)
    {
        var inputs = new DoctorInputs
        {
            Probes = probes,
            Settings = settings ?? new CheckSettings(),
            States = new Dictionary<CheckInput, InputState> { [CheckInput.Probes] = InputState.Available("probes") },
        };
        var findings = new List<Finding>();
        foreach (var check in ProbeChecks.All)
        {
            var context = new CheckContext(inputs, check, CancellationToken.None);
            check.Run(context);
            findings.AddRange(context.Findings);
        }

        return findings;
    }
}
