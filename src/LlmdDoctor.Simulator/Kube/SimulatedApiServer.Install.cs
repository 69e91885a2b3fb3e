namespace LlmdDoctor.Simulator.Kube;

internal sealed partial class SimulatedApiServer
{
    /// <summary>
    /// Serves and announces a resource type that has no objects yet, as a cluster does once a CRD is installed and before
    /// any custom resource exists (and serves every version the CRD lists, whichever is preferred).
    /// </summary>
    public void Install(ApiResource resource)
    {
        if (!_resources.Any(r => r.GroupVersion == resource.GroupVersion && r.Kind == resource.Kind))
        {
            _resources.Add(resource);
            _byKind.TryAdd((resource.GroupVersion, resource.Kind), resource);
        }
    }
}
