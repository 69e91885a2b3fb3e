using System.Globalization;
using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Findings;

namespace LlmdDoctor.Core.Checks;

/// <summary>LLMD0103: a backendRef (Service, or InferencePool of either API group) that does not exist.</summary>
public sealed class RouteBackendMissingCheck : ICheck
{
    public string Name => "route.BackendExists";
    public string Description => "every backendRef of every HTTPRoute rule exists (Services and InferencePools of both API groups)";
    public IReadOnlyList<CheckInput> Inputs { get; } = [CheckInput.HttpRoutes, CheckInput.Services, CheckInput.InferencePools];
    public IReadOnlyList<FindingDefinition> Emits { get; } = [FindingCatalog.RouteBackendMissing];

    public void Run(CheckContext context)
    {
        foreach (var route in context.Cluster.HttpRoutes)
        {
            for (var i = 0; i < route.Spec.Rules.Count; i++)
            {
                foreach (var backend in route.Spec.Rules[i].BackendRefs)
                {
                    var ns = backend.Namespace ?? route.Metadata.Ns;
                    var exists = backend.IsService ? context.Cluster.FindService(ns, backend.Name) is not null
                        : backend.IsInferencePool ? context.Cluster.FindPools(ns, backend.Name, backend.Group ?? "").Any()
                        : true;
                    if (!exists)
                    {
                        context.Report(FindingCatalog.RouteBackendMissing.At(
                            Subject.HttpRoute(route.Metadata.Ns, route.Metadata.Name),
                            ("route", route.Metadata.Key),
                            ("rule", i.ToString(CultureInfo.InvariantCulture)),
                            ("backend", backend.Describe(route.Metadata.Ns)),
                            ("weight", (backend.Weight ?? 1).ToString(CultureInfo.InvariantCulture))));
                    }
                }
            }
        }
    }
}
