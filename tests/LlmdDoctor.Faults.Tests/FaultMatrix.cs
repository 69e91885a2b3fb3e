using LlmdDoctor.Faults.Tests.Cases;

namespace LlmdDoctor.Faults.Tests;

/// <summary>The fault matrix: every case, in README order. The README table is rendered from this list.</summary>
public static class FaultMatrix
{
    public static IReadOnlyList<FaultCase> All { get; } =
    [
        .. KubernetesApiCases.All,
        .. KubernetesAnswerCases.All,
        .. GatewayCases.All,
        .. EnvoyAdminCases.All,
        .. EndpointPickerCases.All,
        .. MonitoringCases.All,
        .. ConfigCases.All,
        .. AgentCases.All,
        .. CycleDeadlineCases.All,
        .. SecretCases.All,
        .. BundleCases.All,
        .. OutputCases.All,
        .. HostileNameCases.All,
    ];

    public static FaultCase Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Fast => Names(c => !c.Slow && c.Bug is null);

    public static TheoryData<string> Slow => Names(c => c.Slow && c.Bug is null);

    private static TheoryData<string> Names(Func<FaultCase, bool> which)
    {
        var data = new TheoryData<string>();
        foreach (var c in All.Where(which))
        {
            data.Add(c.Name);
        }

        return data;
    }
}
